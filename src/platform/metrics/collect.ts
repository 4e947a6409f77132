import { Logger } from '@nestjs/common';
import type { Gauge } from 'prom-client';

const logger = new Logger('Metrics');

/**
 * Makes `gauge` compute its values at scrape time with `fn` (prom-client calls `collect` on every
 * scrape). A failing source never breaks /metrics: the error is logged at debug and the previous values
 * stay. Returns a function that uninstalls it (app shutdown), unless another app installed its own since.
 */
export function collectAtScrape(gauge: Gauge<string>, fn: (gauge: Gauge<string>) => Promise<void>): () => void {
  const collect = async function (this: Gauge<string>): Promise<void> {
    try {
      await fn(gauge);
    } catch (err) {
      logger.debug(`collecting ${(gauge as unknown as { name: string }).name} failed: ${(err as Error).message}`);
    }
  };
  (gauge as unknown as { collect?: () => Promise<void> }).collect = collect;
  return () => {
    const g = gauge as unknown as { collect?: () => Promise<void> };
    if (g.collect === collect) g.collect = undefined;
  };
}
