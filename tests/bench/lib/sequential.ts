import { performance } from 'node:perf_hooks';

/**
 * Latency, one unit in flight: `once(i)` (which resolves with its latency in ms) `warmup` times unmeasured, then
 * `count` times measured. A failed unit is logged and counted, never thrown.
 */
export async function runSequential(
  count: number,
  warmup: number,
  once: (i: number) => Promise<number>,
  log: (msg: string) => void,
): Promise<{ latencies: number[]; errors: number; seconds: number }> {
  for (let i = 0; i < warmup; i++) await once(i);
  const latencies: number[] = [];
  let errors = 0;
  const began = performance.now();
  for (let i = warmup; i < warmup + count; i++) {
    try {
      latencies.push(await once(i));
    } catch (err) {
      errors++;
      log(`  error: ${String(err)}`);
    }
  }
  return { latencies, errors, seconds: (performance.now() - began) / 1000 };
}

