// `node tests/bench/roundtrips.ts [--verbose]`: database round trips per ingested message, from Prisma's query log.
// The real server runs in this process on a fresh PostgreSQL database whose Prisma client logs every
// query (BEGIN/COMMIT included); signed webhooks are sent one at a time and the queries each request causes
// are counted on the wire: the request itself, then the follow-ups every commit triggers (relay, job worker).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { signApiPayload } from '@switchboard/channels/api';
import { DEFAULT_POOL_SIZE, type Database } from '@switchboard/db';
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
// Two independent counts: Prisma's query log (what the brief asks for) and every query pg sends on the wire.
const pool = new pg.Pool({ connectionString: test.url, max: DEFAULT_POOL_SIZE });
let wire = 0;
pool.on('connect', (client) => {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    wire++;
    if (process.env.RT_DEBUG) {
      const a = args[0] as string | { text?: string };
      process.stdout.write(`    wire: ${(typeof a === 'string' ? a : (a?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 100)}\n`);
    }
    return query(...args);
  };
});
const prisma = new PrismaClient({ adapter: new PrismaPg(pool), log: [{ emit: 'event', level: 'query' }] });
let log: string[] = [];
prisma.$on('query', (e) => log.push(e.query));
const database: Database = { prisma, kind: 'postgres', poolSize: DEFAULT_POOL_SIZE, close: () => prisma.$disconnect() };

const dataDir = mkdtempSync(join(tmpdir(), 'sb-rt-'));
const config = loadConfig({ SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET: 'roundtrip-secret-0123456789abcdef0123', LOG_LEVEL: 'silent' }, { port: 0, host: '127.0.0.1', webDir: undefined });
const server = await startServer(config, { database, logger: createLogger('silent'), relayPollMs: 60_000 });
try {
  const admin = await setupAdmin(server.url);
  const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'RT', credentials: { secret: SECRET } })).body as { publicToken: string };
  // The relay and the job worker each react to every commit (numbering events; looking for jobs). They are
  // stopped while the request runs so its own queries are counted alone, then run once each and counted.
  const jobs = server.services.jobs;
  const send = async (message: Record<string, unknown>) => {
    const body = JSON.stringify({ messages: [message] });
    await server.relay.stop();
    await jobs.stop();
    log = [];
    wire = 0;
    const res = await fetch(`${server.url}/webhooks/api/${inbox.publicToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-switchboard-signature': signApiPayload(SECRET, body) },
      body,
    });
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    const counts = { request: wire, relay: 0, jobs: 0 };
    const queries = [...log];
    wire = 0;
    server.relay.start();
    await server.relay.flush();
    counts.relay = wire;
    wire = 0;
    jobs.start();
    await new Promise((r) => setTimeout(r, 100));
    counts.jobs = wire;
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
  const rows: Array<[string, number, number, number]> = [];
  for (const [name, message] of cases) {
    const r = await send(message);
    if (name.startsWith('warm-up')) continue;
    rows.push([name, r.counts.request, r.counts.relay, r.counts.jobs]);
    if (verbose) {
      process.stdout.write(`\n## ${name}\n`);
      for (const q of r.queries) process.stdout.write(`  ${q.replace(/\s+/g, ' ').slice(0, 160)}\n`);
    }
  }
  const cols = ['request', 'relay', 'job worker'];
  process.stdout.write(`\n${'queries sent to the database'.padEnd(34)}  ${cols.join('  ')}\n`);
  for (const [name, ...n] of rows) process.stdout.write(`${name.padEnd(34)}  ${n.map((v, i) => String(v).padStart(cols[i]?.length ?? 0)).join('  ')}\n`);
  process.stdout.write(
    '\nrequest: from receiving the webhook to answering it, BEGIN and COMMIT included (--verbose lists them, from\n' +
      "Prisma's query log, which omits BEGIN). relay: its transaction numbering the new events after the commit.\n" +
      'job worker: its look for work after the commit. Under load both coalesce: one run covers many commits.\n',
  );
} finally {
  await server.stop();
  await prisma.$disconnect();
  await pool.end();
  await test.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
