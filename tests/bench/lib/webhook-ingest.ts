// The product's webhook ingest under load, for any channel: `node server/src/main.ts` in its own process
// (lib/app-server.ts), one inbox, signed webhook POSTs (one message each, `concurrency` in flight), a warm-up, then
// the measured window with CPU sampling. A scenario gives the inbox and the signed requests (scenarios/api-ingest.ts,
// scenarios/sms-ingest.ts).
//
// Mix: ceil(N / 3) contacts each send 3 messages in shuffled order, so a third of the messages open a new contact +
// conversation and two thirds append to an existing one (sometimes while that contact's previous message is still in
// flight, which exercises the per-contact lock).
import pg from 'pg';
import type { StorageMode } from '@switchboard/db/testing';
import { ApiClient, setupAdmin } from '../../support/api.ts';
import { startAppServer, type AppServer } from './app-server.ts';
import { seedHistory } from './history.ts';
import { backendPids, cpuSampler } from './cpu.ts';
import { httpClient } from './http.ts';
import { percentile, runLoad, seededRandom, shuffle } from './load.ts';
import type { BenchOptions, BenchRow } from '../types.ts';
import { RAW_BASELINE_ID } from '../scenarios/raw-pg-baseline.ts';

export const MESSAGES_PER_CONTACT = 3;

export interface SignedRequest {
  body: string;
  /** Signature and content type (default application/json). */
  headers: Record<string, string>;
}

export interface IngestPlan {
  requests: SignedRequest[];
  contacts: number;
}

/** The contact mix above: `message(contact, k)` builds the k-th message of a contact; shuffled deterministically. */
export function contactMix<T>(messages: number, seed: number, message: (contact: number, k: number) => T): { items: T[]; contacts: number } {
  const contacts = Math.ceil(messages / MESSAGES_PER_CONTACT);
  const items: T[] = [];
  for (let c = 0; c < contacts; c++) {
    for (let k = 0; k < MESSAGES_PER_CONTACT && items.length < messages; k++) items.push(message(c, k));
  }
  return { items: shuffle(items, seededRandom(seed)), contacts };
}

export interface WebhookIngestSpec {
  /** Row id prefix (`api-ingest` → `api-ingest/postgres`) and the table's scenario name. */
  id: string;
  scenario: string;
  /** What the notes say about the inbox and its requests. */
  describe: string;
  /**
   * Creates the inbox on the running server; returns its webhook path and the planner whose requests (signed up
   * front, so signing costs nothing in the window) go there. `prefix` keeps warm-up and window apart.
   */
  setup(admin: ApiClient, server: AppServer): Promise<{ path: string; plan(prefix: string, messages: number, seed: number): IngestPlan }>;
}

/**
 * PostgreSQL: planner statistics for the warmed-up tables, as autovacuum keeps them in a running install
 * (a database created seconds ago plans by guesswork). PGlite has no autovacuum: it runs as it would in
 * production, without statistics.
 */
async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

export async function runWebhookIngest(store: StorageMode, opts: BenchOptions, spec: WebhookIngestSpec): Promise<BenchRow> {
  const server = await startAppServer(store);
  const client = httpClient(server.url, opts.concurrency);
  try {
    const admin = await setupAdmin(server.url);
    const { path, plan: planFor } = await spec.setup(admin, server);
    if (server.databaseUrl) await seedHistory(server.databaseUrl, opts.history); // PGlite: the server holds the database
    const send = async (r: SignedRequest) => {
      const res = await client.post(path, r.body, r.headers);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      // Every webhook answer carries the counts in a header (the body may be a provider's format, e.g. TwiML).
      const received = Number(res.headers['x-switchboard-received']);
      if (received !== 1) throw new Error(`expected 1 new message, got ${res.body}`);
    };

    const warm = planFor('w', opts.warmup, 1);
    const warmRun = await runLoad(warm.requests, opts.concurrency, send);
    if (warmRun.errors.length) throw new Error(`warm-up failed: ${String(warmRun.errors[0]?.error)}\n${server.process.output().slice(-3000)}`);

    if (server.databaseUrl) await analyze(server.databaseUrl);
    const plan = planFor('m', opts.messages, 2);
    opts.log(`${spec.id} (${store}): ${plan.requests.length} messages from ${plan.contacts} contacts, concurrency ${opts.concurrency}`);
    const dbPids = server.databaseUrl ? await backendPids(server.databaseUrl) : [];
    const appPid = server.process.child.pid;
    const app = cpuSampler(appPid ? [appPid] : []);
    const db = cpuSampler(dbPids);
    const r = await runLoad(plan.requests, opts.concurrency, send);
    const n = plan.requests.length;
    const appSplit = app.split();
    const appMs = appSplit.user + appSplit.system;
    const cpuMsPerUnit = { app: appMs / n, ...(dbPids.length ? { db: db.pids() / n } : {}), client: app.self() / n };
    for (const e of r.errors.slice(0, 3)) opts.log(`  error: ${String(e.error)}`);

    // Behaviour check: exactly one conversation per contact (no duplicates from racing first messages).
    const total = (await admin.get<{ total: number }>('/api/conversations?limit=1')).body.total;
    const expected = warm.contacts + plan.contacts + (server.databaseUrl ? opts.history : 0);
    if (total !== expected) opts.log(`  conversations: ${total}, expected ${expected}`);

    return {
      id: `${spec.id}/${store}`,
      scenario: spec.scenario,
      store,
      messages: n,
      seconds: r.seconds,
      rate: n / r.seconds,
      baseline: RAW_BASELINE_ID,
      p50Ms: percentile(r.latenciesMs, 50),
      p95Ms: percentile(r.latenciesMs, 95),
      errors: r.errors.length + Math.abs(total - expected),
      cpuMsPerUnit,
      notes: `server process (node server/src/main.ts; ${appMs ? Math.round((appSplit.system / appMs) * 100) : 0} % of its CPU in the kernel), ${spec.describe}, ${plan.contacts} contacts × ${MESSAGES_PER_CONTACT} msgs (1/3 new conversations), ${opts.warmup} warm-up msgs${server.databaseUrl ? ` after ${opts.history} conversations of history` : ''}, concurrency ${opts.concurrency}`,
    };
  } finally {
    client.close();
    await server.stop();
  }
}
