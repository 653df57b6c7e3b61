/** Peak RSS growth (MB) of this process while `fn` runs, sampled every 50 ms, over the RSS at its start. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakMb: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakMb: (peak - start) / 1048576 };
  } finally {
    clearInterval(timer);
  }
}
