// Inbound ingest through the API channel, end to end: signed HTTP POST /webhooks/api/:token (one message
// per request) → signature check → parse → contact → conversation → message + events, committed before 200.
// The server is the real product in its own process (lib/app-server.ts), one run per store.
//
// Mix: ceil(N / 3) contacts each send 3 messages in shuffled order, so a third of the messages open a new
// contact + conversation and two thirds append to an existing one (sometimes while that contact's previous
// message is still in flight, which exercises the per-contact lock). One contact in five uses a threadId.
import pg from 'pg';
import { signApiPayload } from '@switchboard/channels/api';
import type { StorageMode } from '@switchboard/db/testing';
import { ApiClient, setupAdmin } from '../../support/api.ts';
import { startAppServer } from '../lib/app-server.ts';
import { backendPids, cpuSampler } from '../lib/cpu.ts';
import { httpClient } from '../lib/http.ts';
import { percentile, runLoad, seededRandom, shuffle } from '../lib/load.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';
import { RAW_BASELINE_ID } from './raw-pg-baseline.ts';

const SECRET = 'bench-api-secret-0123456789';
const MESSAGES_PER_CONTACT = 3;

interface SignedRequest {
  body: string;
  signature: string;
}

const TEXTS = [
  'Hi, my order has not arrived yet. Could you check the tracking number for me?',
  'Thanks for the quick answer! One more question: can I change the delivery address?',
  'The invoice shows the wrong VAT number, please send a corrected one to our accounts team.',
  'Hallo, wo ist meine Bestellung? Sie sollte letzte Woche ankommen.',
  'I would like to upgrade to the annual plan. Is the discount still available?',
];

/** The requests of one phase (warm-up or measured), signed up front so signing costs nothing in the window. */
export function ingestPlan(prefix: string, messages: number, seed: number): { requests: SignedRequest[]; contacts: number } {
  const random = seededRandom(seed);
  const contacts = Math.ceil(messages / MESSAGES_PER_CONTACT);
  const payloads: unknown[] = [];
  for (let c = 0; c < contacts; c++) {
    const threaded = c % 5 === 0;
    for (let k = 0; k < MESSAGES_PER_CONTACT && payloads.length < messages; k++) {
      payloads.push({
        messages: [
          {
            id: `${prefix}-c${c}-m${k}`,
            contact: { id: `${prefix}-cust-${c}`, name: `Customer ${prefix} ${c}`, email: `${prefix}.customer${c}@bench.example` },
            ...(threaded ? { threadId: `${prefix}-order-${c}`, subject: `Order ${c}` } : {}),
            text: TEXTS[(c + k) % TEXTS.length],
            metadata: { orderId: 10_000 + c, channel: 'shop' },
          },
        ],
      });
    }
  }
  const requests = shuffle(payloads, random).map((p) => {
    const body = JSON.stringify(p);
    return { body, signature: signApiPayload(SECRET, body) };
  });
  return { requests, contacts };
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

async function runStore(store: StorageMode, opts: BenchOptions): Promise<BenchRow> {
  const server = await startAppServer(store);
  const client = httpClient(server.url, opts.concurrency);
  try {
    const admin: ApiClient = await setupAdmin(server.url);
    const created = await admin.post('/api/inboxes', { kind: 'api', name: 'Bench backend', credentials: { secret: SECRET } });
    if (created.status !== 201) throw new Error(`inbox creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    const path = `/webhooks/api/${created.body.publicToken as string}`;
    const send = async (r: SignedRequest) => {
      const res = await client.post(path, r.body, { 'x-switchboard-signature': r.signature });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      const received = (JSON.parse(res.body) as { received: number }).received;
      if (received !== 1) throw new Error(`expected 1 new message, got ${res.body}`);
    };

    const warm = ingestPlan('w', opts.warmup, 1);
    const warmRun = await runLoad(warm.requests, opts.concurrency, send);
    if (warmRun.errors.length) throw new Error(`warm-up failed: ${String(warmRun.errors[0]?.error)}\n${server.process.output().slice(-3000)}`);

    if (server.databaseUrl) await analyze(server.databaseUrl);
    const plan = ingestPlan('m', opts.messages, 2);
    opts.log(`api ingest (${store}): ${plan.requests.length} messages from ${plan.contacts} contacts, concurrency ${opts.concurrency}`);
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
    const expected = warm.contacts + plan.contacts;
    if (total !== expected) opts.log(`  conversations: ${total}, expected ${expected}`);

    return {
      id: `api-ingest/${store}`,
      scenario: 'API ingest (HTTP, signed)',
      store,
      messages: plan.requests.length,
      seconds: r.seconds,
      rate: plan.requests.length / r.seconds,
      baseline: RAW_BASELINE_ID,
      p50Ms: percentile(r.latenciesMs, 50),
      p95Ms: percentile(r.latenciesMs, 95),
      errors: r.errors.length + Math.abs(total - expected),
      cpuMsPerUnit,
      notes: `server process (node server/src/main.ts; ${appMs ? Math.round((appSplit.system / appMs) * 100) : 0} % of its CPU in the kernel), ${plan.contacts} contacts × ${MESSAGES_PER_CONTACT} msgs (1/3 new conversations), ${opts.warmup} warm-up msgs, concurrency ${opts.concurrency}`,
    };
  } finally {
    client.close();
    await server.stop();
  }
}

export const apiIngest: Scenario = {
  name: 'api ingest',
  async run(opts) {
    const rows: BenchRow[] = [];
    for (const store of opts.stores) rows.push(await runStore(store, opts));
    return rows;
  },
};
