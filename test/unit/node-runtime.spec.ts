import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One Node everywhere (docs/adr/0008-node-24.md): .nvmrc pins the LTS that CI installs (.ci/install-node) and
 * runs the whole suite on, the Docker image is built on that same version, `engines` admits it and the
 * oldest Node still kept working (20.19), and @types/node stays at that oldest major so the type check
 * refuses an API that Node 20 lacks. A bump of one without the others fails here.
 */
const root = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };

type Version = [number, number, number];
const parse = (v: string): Version => {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new Error(`not an exact version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};
const cmp = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The two range forms `engines` uses, joined by `||`: `^x.y.z` (same major, at least x.y.z) and `>=x.y.z`. */
function admits(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((clause) => {
    const c = clause.trim();
    if (c.startsWith('^')) {
      const min = parse(c.slice(1));
      return v[0] === min[0] && cmp(v, min) >= 0;
    }
    if (c.startsWith('>=')) return cmp(v, parse(c.slice(2))) >= 0;
    throw new Error(`engines clause not understood by this test: ${c}`);
  });
}

const pinned = read('.nvmrc').trim();

describe('the Node runtime', () => {
  it('.nvmrc pins an exact version of an even (LTS) line, 24 or later', () => {
    const [major] = parse(pinned);
    expect(major % 2).toBe(0);
    expect(major).toBeGreaterThanOrEqual(24);
  });

  it('the Docker image is built on the pinned version, in both stages', () => {
    const dockerfile = read('docker/Dockerfile');
    expect(dockerfile).toMatch(new RegExp(`^ARG NODE_VERSION=${pinned.replace(/\./g, '\\.')}$`, 'm'));
    const froms = dockerfile.match(/^FROM .*$/gm) ?? [];
    expect(froms.length).toBe(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:\$\{NODE_VERSION\}-bookworm-slim AS \w+$/);
  });

  it('engines admits the pinned LTS and Node 20.19+, and not an older Node 20', () => {
    const range = pkg.engines.node;
    expect(admits(range, pinned)).toBe(true);
    expect(admits(range, '20.19.0')).toBe(true);
    expect(admits(range, '20.18.3')).toBe(false);
    expect(admits(range, '18.20.0')).toBe(false);
  });

  it('this test runs on a Node that engines admits', () => {
    expect(admits(pkg.engines.node, process.versions.node)).toBe(true);
  });

  it("@types/node is the oldest supported major's, so the type check refuses APIs it lacks", () => {
    expect(pkg.devDependencies['@types/node']).toMatch(/^20\./);
  });
});
