import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { connectError, messageText, postBurst, RecordingClient, strictlyIncreasing } from './support/realtime.ts';

const SECRET = 'reconnect-secret-0123456789abcdef';
const BURST = 200;

describe.each(storageModes())('realtime reconnect (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let token: string;
  let inbox: { id: string; publicToken: string };

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const tok = await admin.post('/api/me/tokens', { name: 'realtime test' });
    expect(tok.status).toBe(201);
    token = tok.body.token;
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'Burst inbox', credentials: { secret: SECRET } });
    expect(r.status).toBe(201);
    inbox = r.body;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const texts = (tag: string, n: number) => Array.from({ length: n }, (_, i) => `${tag}-${String(i).padStart(3, '0')}`);
  const tagged = (events: RealtimeEvent[], tag: string) => events.map(messageText).filter((x): x is string => !!x?.startsWith(`${tag}-`));
  const appliedTexts = (c: RecordingClient, tag: string) => tagged(c.applied, tag);

  /** Every event the server numbered after `from`, in seq order (the admin may see all of them). */
  async function eventsAfter(from: number): Promise<number[]> {
    await t.server.relay.flush();
    await t.server.gateway.flush();
    const rows = await t.server.services.store.prisma.event.findMany({ where: { seq: { gt: BigInt(from) } }, orderBy: { seq: 'asc' }, select: { seq: true } });
    return rows.map((r) => Number(r.seq));
  }

  /** Exactly the burst, once each, in seq order; nothing received twice; nothing missing. */
  async function expectComplete(client: RecordingClient, tag: string, from: number): Promise<void> {
    const burst = texts(tag, BURST);
    await client.until(() => appliedTexts(client, tag).length >= BURST, `${BURST} ${tag} messages`);
    const got = appliedTexts(client, tag);
    expect(got).toHaveLength(BURST);
    expect(new Set(got).size).toBe(BURST);
    expect([...got].sort()).toEqual(burst);

    const seqs = client.applied.map((e) => e.seq);
    expect(strictlyIncreasing(seqs)).toBe(true);
    // Over the wire too: replayed + live, over every connection, never the same event twice.
    const wire = client.received.map((e) => e.seq);
    expect(new Set(wire).size).toBe(wire.length);
    for (const c of client.connections) {
      expect(strictlyIncreasing(c.replayed.map((e) => e.seq))).toBe(true);
      expect(strictlyIncreasing(c.live.map((e) => e.seq))).toBe(true);
      if (c.done) for (const e of c.live) expect(e.seq).toBeGreaterThan(c.done.lastSeq);
    }
    // No gap: an admin applied every event numbered since it first connected.
    const all = await eventsAfter(from);
    await client.until(() => client.cursor.lastSeq >= all.at(-1)!, 'the newest event');
    expect(seqs.filter((s) => s > from)).toEqual(all);
  }

  it('a client disconnected during a burst of 200 inbound messages has all 200 after reconnecting, in order, without duplicates', async () => {
    const client = new RecordingClient(t.url, { token });
    const first = await client.connect();
    expect(first).toMatchObject({ count: 0, truncated: false });

    // Some live traffic first, applied before the disconnect.
    for (const text of texts('warm', 3)) {
      expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: text, contact: { id: 'warm', name: 'Warm' }, text }] })).status).toBe(200);
    }
    await client.until(() => appliedTexts(client, 'warm').length === 3, 'the warm-up messages');
    const before = client.cursor.lastSeq;
    await client.disconnect();

    const started = Date.now();
    await postBurst(t.url, inbox, SECRET, texts('gone', BURST), { concurrency: 10 });
    const postedMs = Date.now() - started;

    const done = await client.connect({ resume: true });
    expect(done.truncated).toBe(false);
    const replayed = client.connections[1]!.replayed;
    expect(replayed.length).toBeGreaterThan(0);
    expect(replayed.every((e) => e.seq > before)).toBe(true);
    await expectComplete(client, 'gone', first.lastSeq);
    const caughtUpMs = Date.now() - started;
    console.info(`[${mode}] burst of ${BURST} posted in ${postedMs} ms, client complete after ${caughtUpMs} ms; replayed ${replayed.length}, live ${client.connections[1]!.live.length}`);
    await client.disconnect();
  });

  it('reconnecting while the burst is still running: still exactly 200, in order, without duplicates', async () => {
    const client = new RecordingClient(t.url, { token });
    const first = await client.connect();
    await client.disconnect();

    // 60 messages while disconnected; the other 140 while the client reconnects and replays.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let posted = 0;
    let reached60!: () => void;
    const at60 = new Promise<void>((r) => (reached60 = r));
    const all = texts('race', BURST);
    const burst = (async () => {
      await postBurst(t.url, inbox, SECRET, all.slice(0, 60), { concurrency: 10, onPosted: (n) => (posted = n) });
      reached60();
      await gate;
      await postBurst(t.url, inbox, SECRET, all.slice(60), { concurrency: 10, onPosted: (n) => (posted = 60 + n) });
    })();
    await at60;
    await t.server.relay.flush();
    await t.server.gateway.flush(); // the 60 are out: they belong to the replay
    release();
    const done = await client.connect({ resume: true });
    const postedAtReplayDone = posted;
    await burst;
    expect(done.truncated).toBe(false);

    await expectComplete(client, 'race', first.lastSeq);
    const conn = client.connections[1]!;
    expect(tagged(conn.replayed, 'race').length).toBeGreaterThanOrEqual(60);
    expect(conn.live.length).toBeGreaterThan(0);
    console.info(`[${mode}] reconnect during burst: replayed ${conn.replayed.length}, live ${conn.live.length}, posted when replay:done arrived: ${postedAtReplayDone}`);
    await client.disconnect();
  });

  it('resumes with nothing to replay when nothing happened, and keeps its position', async () => {
    const client = new RecordingClient(t.url, { token });
    const first = await client.connect();
    await client.disconnect();
    const again = await client.connect({ resume: true });
    expect(again).toEqual({ lastSeq: first.lastSeq, count: 0, truncated: false });
    await client.disconnect();
  });

  it('refuses a handshake without credentials, with a wrong token or a stale cookie', async () => {
    expect(await connectError(t.url, {})).toBe('unauthenticated');
    expect(await connectError(t.url, { token: 'sb_not-a-real-token' })).toBe('unauthenticated');
    expect(await connectError(t.url, { cookie: 'sb_session=bogus' })).toBe('unauthenticated');
  });

  it('refuses cookie auth from a cross-site Origin, accepts it from the same origin', async () => {
    expect(admin.cookie).toBeTruthy();
    expect(await connectError(t.url, { cookie: admin.cookie!, headers: { origin: 'https://evil.example' } })).toBe('forbidden origin');
    const same = new RecordingClient(t.url, { cookie: admin.cookie!, headers: { origin: t.url } });
    await expect(same.connect()).resolves.toMatchObject({ truncated: false });
    await same.disconnect();
    // A token is not ambient: any origin may use one.
    const tokenClient = new RecordingClient(t.url, { token, headers: { origin: 'https://integration.example' } });
    await expect(tokenClient.connect()).resolves.toMatchObject({ truncated: false });
    await tokenClient.disconnect();
  });

  it('a revoked token gets no new socket', async () => {
    const tok = await admin.post('/api/me/tokens', { name: 'short-lived' });
    const ok = new RecordingClient(t.url, { token: tok.body.token });
    await ok.connect();
    await ok.disconnect();
    expect((await admin.delete(`/api/me/tokens/${tok.body.id}`)).status).toBe(204);
    expect(await connectError(t.url, { token: tok.body.token })).toBe('unauthenticated');
  });
});
