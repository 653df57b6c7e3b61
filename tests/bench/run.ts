// `npm run bench`: throughput benchmarks. Never part of `npm test`, never asserted anywhere.
//
//   npm run bench                                  all scenarios
//   npm run bench -- --only=ingest --messages=1000 a subset, a smaller window
//   npm run bench -- --only=baseline,api --stores=postgres   the API ingest rows with the baseline (their ratio)
//   options: --messages=N (3000) --warmup=N (600) --concurrency=N (50) --history=N (20000; 0: none) --only=<substrings of scenario names, comma-separated>
//            --stores=postgres,pglite (the app scenarios' stores)
//
// Each scenario (scenarios/*.ts) returns rows; this file runs them in order, prints one table and writes
// bench-results/latest.json and latest.md. PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
// each scenario on its own fresh database.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DEFAULT_POOL_SIZE } from '@switchboard/db';
import { apiIngest } from './scenarios/api-ingest.ts';
import { smsIngest } from './scenarios/sms-ingest.ts';
import { ingestSql } from './scenarios/ingest-sql.ts';
import { rawPgBaseline } from './scenarios/raw-pg-baseline.ts';
import { imapBackfill } from './scenarios/imap-backfill.ts';
import { widget } from './scenarios/widget.ts';
import { largeMail } from './scenarios/large-mail.ts';
import { consoleUi } from './scenarios/console.ts';
import { cpuTable, markdownTable, sizeTable, textTable } from './table.ts';
import type { BenchOptions, BenchRow, Scenario } from './types.ts';
import { DEFAULT_HISTORY } from './lib/history.ts';

/** Baseline first: other rows' ratios refer to it. Add new scenarios here. */
const SCENARIOS: Scenario[] = [rawPgBaseline, ingestSql, apiIngest, smsIngest, imapBackfill, largeMail, widget, consoleUi];

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const root = fileURLToPath(new URL('../..', import.meta.url));

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '50' },
    history: { type: 'string', default: String(DEFAULT_HISTORY) },
    only: { type: 'string' },
    stores: { type: 'string', default: 'postgres,pglite' },
  },
});
const int = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
  return n;
};
const opts: BenchOptions = {
  messages: int('messages', values.messages),
  warmup: int('warmup', values.warmup),
  concurrency: int('concurrency', values.concurrency),
  history: values.history === '0' ? 0 : int('history', values.history),
  stores: (values.stores ?? '').split(',').map((v) => {
    if (v !== 'postgres' && v !== 'pglite') throw new Error(`--stores: unknown store ${v}`);
    return v;
  }),
  postgresUrl: process.env.TEST_DATABASE_URL,
  log: (msg) => process.stderr.write(`${msg}\n`),
};

async function postgresVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: opts.postgresUrl });
  await client.connect();
  try {
    const r = await client.query<{ server_version: string; fsync: string; synchronous_commit: string }>(
      "SELECT current_setting('server_version') AS server_version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit",
    );
    const row = r.rows[0];
    return row ? `${row.server_version} (fsync ${row.fsync}, synchronous_commit ${row.synchronous_commit})` : 'unknown';
  } finally {
    await client.end();
  }
}

const gitCommit = () => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

const started = Date.now();
const environment = {
  node: process.version,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model ?? 'unknown',
  postgres: await postgresVersion(),
  appPoolSize: DEFAULT_POOL_SIZE,
  commit: gitCommit(),
  /** 1-minute load average before and after: other work on the machine skews msg/s (not CPU ms per message). */
  loadAverage: { before: loadavg()[0] ?? 0, after: 0 },
};
if (environment.loadAverage.before > 0.5 * environment.cpus) {
  opts.log(`warning: the machine is busy (load average ${environment.loadAverage.before.toFixed(1)} on ${environment.cpus} CPUs): msg/s will be low and noisy`);
}
opts.log(`bench: ${opts.messages} msgs per scenario, warm-up ${opts.warmup}, concurrency ${opts.concurrency}, history ${opts.history} conversations; ${environment.cpus} CPUs; Postgres ${environment.postgres}`);

const rows: BenchRow[] = [];
const only = values.only?.split(',').map((v) => v.trim()).filter(Boolean);
for (const s of SCENARIOS) {
  if (only && !only.some((o) => s.name.includes(o))) continue;
  rows.push(...(await s.run(opts)));
}

environment.loadAverage.after = loadavg()[0] ?? 0;
const table = textTable(rows);
const sizes = rows.some((r) => r.sizeKb !== undefined) ? `Sizes:\n${sizeTable(rows)}\n\n` : '';
process.stdout.write(`\n${table}\n\n${sizes}CPU per message (app = server process, db = its PostgreSQL backends, client = load generator):\n${cpuTable(rows)}\n\n`);
for (const r of rows) if (r.notes && r.sizeKb === undefined) process.stdout.write(`${r.id}: ${r.notes}\n`);
const seconds = (Date.now() - started) / 1000;
process.stdout.write(`\ntotal ${seconds.toFixed(0)} s, load average ${environment.loadAverage.before.toFixed(1)} before, ${environment.loadAverage.after.toFixed(1)} after\n`);

const out = `${root}/bench-results`;
mkdirSync(out, { recursive: true });
const report = { date: new Date().toISOString(), environment, options: { messages: opts.messages, warmup: opts.warmup, concurrency: opts.concurrency, history: opts.history }, rows, totalSeconds: seconds };
writeFileSync(`${out}/latest.json`, JSON.stringify(report, null, 2) + '\n');
writeFileSync(
  `${out}/latest.md`,
  [
    `# Switchboard bench, ${report.date}`,
    '',
    `Node ${environment.node}, ${environment.cpus} CPUs (${environment.cpuModel}), PostgreSQL ${environment.postgres}, app pool ${environment.appPoolSize}, commit ${environment.commit ?? '?'}, load average ${environment.loadAverage.before.toFixed(1)} → ${environment.loadAverage.after.toFixed(1)}.`,
    `${opts.messages} messages per scenario after ${opts.warmup} warm-up, concurrency ${opts.concurrency}.`,
    '',
    markdownTable(rows),
    '',
    ...(sizes ? ['Sizes:', '', sizeTable(rows, true), ''] : []),
    'CPU per message (app = server process, db = its PostgreSQL backends, client = load generator):',
    '',
    cpuTable(rows, true),
    '',
    ...rows.filter((r) => r.notes && r.sizeKb === undefined).map((r) => `- \`${r.id}\`: ${r.notes}`),
    '',
  ].join('\n'),
);
if (rows.some((r) => r.errors > 0)) {
  process.stderr.write('some rows have errors: their numbers are not valid measurements\n');
  process.exitCode = 1;
}
