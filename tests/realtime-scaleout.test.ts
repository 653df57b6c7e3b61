// Two server processes on one PostgreSQL database and one Redis: what one instance ingests reaches
// sockets on the other, live, in seq order, with no gaps or repeats, while both relays number events.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@switchboard/db/testing';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { ApiClient, postApiWebhook } from './support/api.ts';
import { addUser } from './support/people.ts';
import { messageText, postBurst, RecordingClient, strictlyIncreasing } from './support/realtime.ts';
import { startServerProcess, type ServerProcess } from './support/start-process.ts';

// This file always runs on PostgreSQL (several processes cannot share a PGlite): CI sets
// TEST_DATABASE_URL; locally the default server is used.
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const ADMIN = { email: 'scale-admin@example.test', password: 'scale-out password 1' };
const SECRET = 'scaleout-secret-0123456789abcdef';

describe('realtime across two instances (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  let a: ServerProcess;
  let b: ServerProcess;
  let adminA: ApiClient;
  let adminB: ApiClient;
  let inbox: { id: string; publicToken: string };
  const clients: RecordingClient[] = [];
  let n = 0;

  const live = async (base: string, creds: ConstructorParameters<typeof RecordingClient>[1]) => {
    const c = new RecordingClient(base, creds);
    clients.push(c);
    await c.connect();
    return c;
  };
  const post = async (base: string, to: { publicToken: string }, label: string) => {
    const text = `${label}-${++n}`;
    const r = await postApiWebhook(base, to.publicToken, SECRET, { messages: [{ id: text, contact: { id: `c-${label}`, name: label }, text }] });
    expect(r.status).toBe(200);
    return text;
  };
  const hasText = (text: string) => (e: RealtimeEvent) => messageText(e) === text;
  const tagged = (events: RealtimeEvent[], tag: string) => events.map(messageText).filter((x): x is string => !!x?.startsWith(`${tag}-`));

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const env = {
      DATABASE_URL: db.url!,
      REDIS_URL,
      // Channels of this run only: parallel runs on the same Redis never see each other.
      SWITCHBOARD_REDIS_PREFIX: `sb-test-${process.pid}-${randomBytes(4).toString('hex')}`,
      SWITCHBOARD_SECRET: 'scaleout-secret-0123456789abcdef0123456789',
      SWITCHBOARD_ADMIN_EMAIL: ADMIN.email,
      SWITCHBOARD_ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    };
    const dataDir = () => {
      const d = mkdtempSync(join(tmpdir(), 'sb-scale-'));
      dirs.push(d);
      return d;
    };
    // Both at once: the admin seeding races too (exactly one wins).
    [a, b] = await Promise.all([startServerProcess({ ...env, SWITCHBOARD_DATA_DIR: dataDir() }), startServerProcess({ ...env, SWITCHBOARD_DATA_DIR: dataDir() })]);
    adminA = await new ApiClient(a.url).login(ADMIN.email, ADMIN.password);
    adminB = await new ApiClient(b.url).login(ADMIN.email, ADMIN.password);
    const r = await adminA.post('/api/inboxes', { kind: 'api', name: 'Shared inbox', credentials: { secret: SECRET } });
    expect(r.status).toBe(201);
    inbox = r.body;
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) await c.disconnect();
    const exits = await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    // Both shut down cleanly on SIGTERM (relay, feed, Socket.IO, Redis clients, pool).
    for (const e of exits) if (e) expect(e).toEqual({ code: 0, signal: null });
  });

  it('a client on instance B sees a message ingested through instance A, live', async () => {
    const onB = await live(b.url, { cookie: adminB.cookie! });
    const sent = Date.now();
    const text = await post(a.url, inbox, 'via-a');
    const answered = Date.now();
    const e = await onB.waitFor(hasText(text), 'the message on B');
    console.info(`[scale-out] A → B: webhook answered in ${answered - sent} ms, event on B ${Date.now() - answered} ms later`);
    expect(onB.connections[0]!.live.map((x) => x.seq)).toContain(e.seq);
    expect(e).toMatchObject({ type: 'message.created', inboxId: inbox.id });
  });

  it('both relays at once: ~100 messages through A and B reach clients on both instances in seq order, gap-free, once', async () => {
    const onB = await live(b.url, { cookie: adminB.cookie! });
    const onA = await live(a.url, { cookie: adminA.cookie! });
    const from = Math.max(onA.cursor.lastSeq, onB.cursor.lastSeq);
    const texts = (tag: string) => Array.from({ length: 50 }, (_, i) => `${tag}-${String(i).padStart(2, '0')}`);
    const started = Date.now();
    await Promise.all([
      postBurst(a.url, inbox, SECRET, texts('both-a'), { concurrency: 8, contacts: 10 }),
      postBurst(b.url, inbox, SECRET, texts('both-b'), { concurrency: 8, contacts: 10 }),
    ]);
    const postedMs = Date.now() - started;
    for (const c of [onA, onB]) {
      await c.until(() => tagged(c.applied, 'both-a').length + tagged(c.applied, 'both-b').length >= 100, '100 messages');
    }
    // Every event numbered since: a contiguous range, and each client got exactly that, in order.
    const rows = await db.prisma.event.findMany({ where: { seq: { gt: BigInt(from) } }, orderBy: { seq: 'asc' }, select: { seq: true } });
    const all = rows.map((r) => Number(r.seq));
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => from + 1 + i));
    for (const c of [onA, onB]) {
      await c.until(() => c.cursor.lastSeq >= all.at(-1)!, 'the newest event');
      const seqs = c.applied.map((e) => e.seq).filter((s) => s > from);
      expect(seqs).toEqual(all); // gap-free: consecutive seqs differ by one
      const wire = c.received.map((e) => e.seq);
      expect(new Set(wire).size).toBe(wire.length);
      expect(strictlyIncreasing(wire)).toBe(true);
      expect(new Set([...tagged(c.applied, 'both-a'), ...tagged(c.applied, 'both-b')]).size).toBe(100);
    }
    console.info(`[scale-out] 100 messages through A and B posted in ${postedMs} ms, ${all.length} events, both clients complete after ${Date.now() - started} ms`);
  });

  it('a client that reconnects to the other instance resumes without loss or repeats', async () => {
    const c = await live(b.url, { cookie: adminB.cookie! });
    const from = c.cursor.lastSeq;
    await post(a.url, inbox, 'before-move');
    await c.waitFor((e) => messageText(e)?.startsWith('before-move-') ?? false, 'the first message');
    await c.disconnect();
    const texts = Array.from({ length: 40 }, (_, i) => `moved-${i}`);
    await postBurst(a.url, inbox, SECRET, texts, { concurrency: 8 });
    // Same session cookie, other instance.
    const moved = new RecordingClient(a.url, { cookie: adminB.cookie! });
    clients.push(moved);
    // Carry the position over: the new client resumes from the old cursor.
    moved.cursor.lastSeq = c.cursor.lastSeq;
    await moved.connect({ resume: true });
    await moved.until(() => tagged(moved.applied, 'moved').length >= 40, '40 messages after the move');
    expect(new Set(tagged(moved.applied, 'moved')).size).toBe(40);
    const wire = [...c.received, ...moved.received].map((e) => e.seq);
    expect(new Set(wire).size).toBe(wire.length);
    expect(strictlyIncreasing([...c.applied, ...moved.applied].map((e) => e.seq))).toBe(true);
    expect(Math.min(...moved.received.map((e) => e.seq))).toBeGreaterThan(from);
  });

  it("an access change made through A applies to an agent's socket on B before the request returns", async () => {
    const agent = await addUser(adminA, 'agent', { name: 'Bea Bagent' });
    const other = (await adminA.post('/api/inboxes', { kind: 'api', name: 'Other inbox', credentials: { secret: SECRET }, memberIds: [agent.id] })).body;
    const agentB = await new ApiClient(b.url).login(agent.email, 'a long enough password');
    const onB = await live(b.url, { cookie: agentB.cookie! });

    const hidden = await post(a.url, inbox, 'not-yet');
    const mine = await post(a.url, other, 'mine');
    await onB.waitFor(hasText(mine), 'own inbox message');
    expect(onB.received.some(hasText(hidden))).toBe(false);

    expect((await adminA.put(`/api/inboxes/${inbox.id}/members`, { userIds: [agent.id] })).status).toBe(200);
    const shown = await post(a.url, inbox, 'now-member');
    await onB.waitFor(hasText(shown), 'shared inbox message after joining');

    expect((await adminA.patch(`/api/users/${agent.id}`, { disabled: true })).status).toBe(200);
    expect(await onB.waitForDisconnect()).toBe('io server disconnect');
  });
});
