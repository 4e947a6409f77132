import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// the bench is plain CommonJS (bench/), loaded as it runs
// eslint-disable-next-line @typescript-eslint/no-require-imports
const format = require('../../bench/format');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { countsBetween } = require('../../bench/rpc-relay');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { support } = require('../../bench/payouts');

describe('bench helpers', () => {
  it('percentile is nearest-rank over an ascending array', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(format.percentile(xs, 50)).toBe(50);
    expect(format.percentile(xs, 99)).toBe(99);
    expect(format.percentile([7], 99)).toBe(7);
    expect(format.percentile([], 50)).toBeNaN();
  });

  it('alignedTable pads every column to its widest cell, first column left, others right', () => {
    const t = format.alignedTable(['what', 'n'], [['raw', '1,000'], ['payrail', '12']]);
    expect(t.split('\n')).toEqual(['what         n', '-------  -----', 'raw      1,000', 'payrail     12']);
  });

  it('markdownTable escapes pipes and prints a rule per column', () => {
    expect(format.markdownTable(['a', 'b'], [['x|y', 2]])).toBe('| a | b |\n|---|---|\n| x\\|y | 2 |');
  });

  it('num prints "-" for what is not a finite number, never a made-up 0', () => {
    expect(format.num(null)).toBe('-');
    expect(format.num(NaN, 2)).toBe('-');
    expect(format.num(51346.7)).toBe('51,347');
  });

  it('svgBarChart scales bars to the largest value and draws n/a without a bar', () => {
    const svg: string = format.svgBarChart({
      title: 'claims/s <test>',
      unit: '/s',
      bars: [
        { label: 'raw', value: 200 },
        { label: 'payrail', value: 50 },
        { label: 'batched', value: null, note: 'n/a (not built yet)' },
      ],
    });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('claims/s &lt;test&gt;');
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+" width="(\d+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0] / widths[1]).toBeCloseTo(4, 1);
    expect(svg).toContain('n/a (not built yet)');
  });

  it('progressLine fills the bar in proportion and reports the rate', () => {
    expect(format.progressLine('x', 5, 10, 2000, 10)).toBe('x [#####.....] 5/10  2.5/s  2.0 s');
  });

  it('countsBetween gives the calls made between two relay snapshots', () => {
    const before = { requests: 3, calls: 3, byMethod: { eth_blockNumber: 2, eth_call: 1 } };
    const after = { requests: 7, calls: 8, byMethod: { eth_blockNumber: 4, eth_call: 1, eth_sendRawTransaction: 3 } };
    expect(countsBetween(before, after)).toEqual({ requests: 4, calls: 5, byMethod: { eth_blockNumber: 2, eth_sendRawTransaction: 3 } });
  });

  describe('support (which configurations the app can run)', () => {
    let src: string;
    beforeEach(() => {
      src = mkdtempSync(join(tmpdir(), 'bench-support-'));
      mkdirSync(join(src, 'config'));
      mkdirSync(join(src, 'chain'));
    });
    afterEach(() => rmSync(src, { recursive: true, force: true }));

    it('a BATCH_MAX only parsed by the config is not batching (ethers batchMaxCount does not count)', () => {
      writeFileSync(join(src, 'config', 'config.ts'), "batchMax: int(env, 'BATCH_MAX', 200, 1, 1000),");
      writeFileSync(join(src, 'chain', 'chain.service.ts'), 'new JsonRpcProvider(u, id, { batchMaxCount: 1 })');
      expect(support(src)).toMatchObject({ batching: false, pool: false });
    });

    it('batching once code outside src/config uses batchMax; the pool once the config has TREASURY_PRIVATE_KEYS', () => {
      writeFileSync(join(src, 'config', 'config.ts'), "batchMax: int(env, 'BATCH_MAX', 200), keys: list(env, 'TREASURY_PRIVATE_KEYS')");
      writeFileSync(join(src, 'chain', 'lane.ts'), 'const n = this.config.batchMax;');
      expect(support(src)).toMatchObject({ batching: true, pool: true });
    });
  });
});
