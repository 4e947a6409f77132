import { sharedResult } from './shared-result';

describe('sharedResult', () => {
  it('concurrent callers share one run; callers within the ttl reuse it; later ones start a new run', async () => {
    let t = 0;
    let runs = 0;
    let release!: () => void;
    const get = sharedResult(
      1000,
      () =>
        new Promise<number>((resolve) => {
          runs++;
          release = () => resolve(runs);
        }),
      () => t,
    );
    const all = Promise.all(Array.from({ length: 100 }, () => get()));
    release();
    expect(await all).toEqual(Array(100).fill(1));
    t = 999;
    expect(await get()).toBe(1);
    expect(runs).toBe(1);
    t = 1000;
    const next = get();
    release();
    expect(await next).toBe(2);
  });

  it('an error is shared for the ttl too, then retried', async () => {
    let t = 0;
    let runs = 0;
    const get = sharedResult(1000, async () => {
      runs++;
      if (runs === 1) throw new Error('down');
      return 'up';
    }, () => t);
    await expect(get()).rejects.toThrow('down');
    await expect(get()).rejects.toThrow('down');
    expect(runs).toBe(1);
    t = 2000;
    await expect(get()).resolves.toBe('up');
  });
});
