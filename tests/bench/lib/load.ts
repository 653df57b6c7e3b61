/** Closed-loop load: `concurrency` workers each take the next item and await it; latency per item. */
export interface LoadResult<R> {
  seconds: number;
  latenciesMs: number[];
  results: Array<R | undefined>;
  errors: Array<{ index: number; error: unknown }>;
}

export async function runLoad<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<LoadResult<R>> {
  const latenciesMs = new Array<number>(items.length).fill(0);
  const results = new Array<R | undefined>(items.length);
  const errors: Array<{ index: number; error: unknown }> = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const started = performance.now();
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        errors.push({ index: i, error });
      }
      latenciesMs[i] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return { seconds: (performance.now() - started) / 1000, latenciesMs, results, errors };
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Deterministic PRNG (mulberry32) so every run sends the same mix. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
