/** One line of the bench table. Scenarios return rows; run.ts prints and saves them. */
export interface BenchRow {
  /** Stable key (e.g. `raw-pg-baseline`, `api-ingest/postgres`): other rows name it in `baseline`. */
  id: string;
  /** Human-readable scenario name, first column of the table. */
  scenario: string;
  /** 'postgres' | 'pglite' | … ; '-' when not applicable. */
  store: string;
  /** Units of work in the measured window (messages for ingest rows). */
  messages: number;
  seconds: number;
  /** messages / seconds. */
  rate: number;
  /** Id of the row this one is compared with (ratio column); the baseline row itself leaves it out; null: no comparison. */
  baseline?: string | null;
  /** Per-request (or per-unit) latency in milliseconds, null when the scenario does not measure it. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** Failed units (non-2xx, wrong outcome): a row with errors is not a valid measurement. */
  errors: number;
  /**
   * CPU milliseconds per unit in the measured window: `app` the server process (PGlite included when
   * embedded), `db` the PostgreSQL backends serving it, `client` the bench process (load generator).
   * Robust to other load on the machine, unlike `rate`.
   */
  cpuMsPerUnit?: { app?: number; db?: number; client?: number };
  /** Size rows (e.g. the chat widget bundle): kB after gzip. They have no throughput and print in their own table. */
  sizeKb?: number;
  /** Anything a reader needs to interpret the row (concurrency, pool size, how the server runs). */
  notes?: string;
}

export interface BenchOptions {
  /** Measured units per scenario (default 3,000). */
  messages: number;
  /** Warm-up units before the measured window. */
  warmup: number;
  concurrency: number;
  /** Conversations of history seeded before the warm-up of the ingest scenarios on PostgreSQL (lib/history.ts). */
  history: number;
  /** Stores the app scenarios run on (default both). */
  stores: Array<'postgres' | 'pglite'>;
  /** Admin URL of the PostgreSQL server (TEST_DATABASE_URL). */
  postgresUrl: string;
  log: (msg: string) => void;
}

export interface Scenario {
  name: string;
  run(opts: BenchOptions): Promise<BenchRow[]>;
}
