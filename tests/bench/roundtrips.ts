// `node tests/bench/roundtrips.ts [--verbose]`: database statements and round trips per ingested message.
// The real server runs in this process on a fresh PostgreSQL database, over a pg pool configured as openDatabase
// configures it (pipeline mode, generic plans), so the raw-SQL hot paths run as in production. Signed webhooks
// are sent one at a time; counted on the wire: statements (queries pg sends) and round trips (writes to the
// database's sockets: statements sent together, e.g. BEGIN with the first one, leave in one write), for the
// request itself, then for the follow-ups every commit triggers (relay, job worker).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { signApiPayload } from '@switchboard/channels/api';
import { DEFAULT_POOL_SIZE, POOL_OPTIONS, type Database } from '@switchboard/db';
import { PrismaClient } from '@switchboard/db/client';
import { createTestDatabase } from '@switchboard/db/testing';
import { createLogger, loadConfig, startServer } from '@switchboard/server';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupAdmin } from '../support/api.ts';

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const verbose = process.argv.includes('--verbose');
const SECRET = 'roundtrip-secret-0123456789';

const test = await createTestDatabase('postgres');
await test.close();
const pool = new pg.Pool({ connectionString: test.url, max: DEFAULT_POOL_SIZE, ...POOL_OPTIONS });
pool.on('error', () => {}); // idle connections closed while the database is dropped
let wire = 0;
let writes = 0;
let log: string[] = [];
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    wire++;
    const a = args[0] as string | { text?: string };
    log.push(typeof a === 'string' ? a : (a?.text ?? '?'));
    return query(...args);
  };
  // Every write that reaches the socket (corked writes leave together, as one).
  const socket = (client as unknown as { connection: { stream: { _write: (...a: unknown[]) => unknown; _writev?: (...a: unknown[]) => unknown } } }).connection.stream;
  for (const m of ['_write', '_writev'] as const) {
    const original = socket[m]?.bind(socket);
    if (original) socket[m] = (...args: unknown[]) => (writes++, original(...args));
  }
});
const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
const database: Database = { prisma, kind: 'postgres', poolSize: DEFAULT_POOL_SIZE, pool, close: () => prisma.$disconnect() };

const dataDir = mkdtempSync(join(tmpdir(), 'sb-rt-'));
const config = loadConfig({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET: 'roundtrip-secret-0123456789abcdef0123', LOG_LEVEL: 'silent' }, { port: 0, host: '127.0.0.1', webDir: undefined });
const server = await startServer(config, { database, logger: createLogger('silent'), relayPollMs: 60_000 });
try {
  const admin = await setupAdmin(server.url);
  const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'RT', credentials: { secret: SECRET } })).body as { publicToken: string };
  // The relay reacts to every commit (numbering the new events). It is stopped while the request runs so the
  // request's own queries are counted alone, then run once and counted. The job worker (it wakes after a commit
  // only when the transaction enqueued a job: ingest does only for files offered by URL) is stopped too: its
  // periodic look for work would be counted.
  const jobs = server.services.jobs;
  const send = async (message: Record<string, unknown>) => {
    const body = JSON.stringify({ messages: [message] });
    await server.relay.stop();
    await jobs.stop();
    log = [];
    wire = 0;
    writes = 0;
    const res = await fetch(`${server.url}/webhooks/api/${inbox.publicToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': signApiPayload(SECRET, body) },
      body,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const counts = { request: [wire, writes], relay: [0, 0] };
    const queries = [...log];
    wire = 0;
    writes = 0;
    server.relay.start();
    await server.relay.flush();
    counts.relay = [wire, writes];
    jobs.start();
    return { counts, queries };
  };
  const contact = (n: number) => ({ id: `cust-${n}`, name: `Customer ${n}`, email: `customer${n}@rt.example` });
  const cases: Array<[string, Record<string, unknown>]> = [
    ['warm-up (not counted)', { id: 'w-1', contact: contact(0), text: 'warm' }],
    ['new contact, new conversation', { id: 'a-1', contact: contact(1), text: 'Hello', metadata: { orderId: 1 } }],
    ['existing contact + conversation', { id: 'a-2', contact: contact(1), text: 'Again', metadata: { orderId: 1 } }],
    ['duplicate provider id', { id: 'a-2', contact: contact(1), text: 'Again', metadata: { orderId: 1 } }],
    ['new contact, new thread', { id: 't-1', contact: contact(2), threadId: 'order-2', subject: 'Order 2', text: 'Hi' }],
    ['existing thread', { id: 't-2', contact: contact(2), threadId: 'order-2', text: 'More' }],
  ];
  const rows: Array<[string, ...string[]]> = [];
  for (const [name, message] of cases) {
    const r = await send(message);
    if (name.startsWith('warm-up')) continue;
    const pair = ([statements, trips]: number[]) => `${statements} / ${trips}`;
    rows.push([name, pair(r.counts.request), pair(r.counts.relay)]);
    if (verbose) {
      process.stdout.write(`\n## ${name}\n`);
      for (const q of r.queries) process.stdout.write(`  ${q.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
  }
  const cols = ['  request', '  relay'];
  process.stdout.write(`\n${'statements / round trips'.padEnd(34)}  ${cols.join('  ')}\n`);
  for (const [name, ...n] of rows) process.stdout.write(`${name.padEnd(34)}  ${n.map((v, i) => String(v).padStart(cols[i]?.length ?? 0)).join('  ')}\n`);
  process.stdout.write(
    '\nrequest: from receiving the webhook to answering it, BEGIN and COMMIT included (--verbose lists the statements).\n' +
      'A round trip is one write to a database socket: statements sent together (BEGIN with the first statement of a\n' +
      'transaction, COMMIT with its last) count once. relay: its transaction numbering the new events after the commit\n' +
      '(under load one run covers many commits).\n',
  );
} finally {
  await server.stop();
  await prisma.$disconnect();
  await pool.end();
  await test.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
