// Builders of the bench table's rows.
import type { BenchRow } from '../types.ts';
import { percentile } from './load.ts';

/** The table row of a `runSequential` result (no throughput baseline; p50/p95 of the latencies). */
export function sequentialRow(
  row: Pick<BenchRow, 'id' | 'scenario' | 'store' | 'notes'>,
  result: { latencies: number[]; errors: number; seconds: number },
  count: number,
): BenchRow {
  return {
    ...row,
    messages: count,
    seconds: result.seconds,
    rate: count / result.seconds,
    baseline: null,
    p50Ms: percentile(result.latencies, 50),
    p95Ms: percentile(result.latencies, 95),
    errors: result.errors,
  };
}

/** A size row (a bundle): no throughput, printed in the sizes table. */
export function sizeRow(row: Pick<BenchRow, 'id' | 'scenario' | 'notes'>, gzipBytes: number, errors = 0): BenchRow {
  return { ...row, store: '-', messages: 0, seconds: 0, rate: 0, baseline: null, p50Ms: null, p95Ms: null, errors, sizeKb: gzipBytes / 1000 };
}
