// The per-instance feed: whatever order numbered batches reach an instance in (its own relay,
// other instances over Redis, late or never), its sockets get every event once, in seq order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { startSecondInstance, startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, setupAdmin } from './support/api.ts';
import { messageText, postBurst, RecordingClient, strictlyIncreasing } from './support/realtime.ts';

const SECRET = 'order-secret-0123456789abcdef';

describe.each(storageModes())('realtime ordering (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let inbox: { id: string; publicToken: string };
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    workspaceId = (await admin.get('/api/me')).body.workspaceId;
    inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Order inbox', credentials: { secret: SECRET } })).body;
  });
  afterAll(async () => {
    await t?.stop();
  });

  /**
   * Writes events as if some instance's relay had numbered and committed them (seq set, so this
   * instance's relay leaves them alone) and returns them as that relay would publish them.
   */
  async function numbered(seqs: number[]) {
    const prisma = t.server.services.store.prisma;
    const out: Parameters<TestServer['server']['gateway']['publish']>[0] = [];
    for (const seq of seqs) {
      const row = await prisma.event.create({
        data: { seq: BigInt(seq), publishedAt: new Date(), workspaceId, type: 'conversation.updated', actorType: 'system', inboxId: inbox.id, payload: { conversation: {}, changes: [`seq ${seq}`] } },
      });
      out.push({
        event: { seq, type: 'conversation.updated', workspaceId, inboxId: inbox.id, conversationId: null, actor: { type: 'system', id: null }, createdAt: row.createdAt.toISOString(), payload: row.payload as never },
        audience: { workspaceId, inboxId: inbox.id, userId: null },
      } as (typeof out)[number]);
    }
    return out;
  }
  const seqsOf = (events: RealtimeEvent[], from: number) => events.map((e) => e.seq).filter((s) => s > from);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('batches arriving out of order, late, twice or never: every event once, in seq order', async () => {
    const client = new RecordingClient(t.url, { cookie: admin.cookie! });
    const { lastSeq: base } = await client.connect();
    await t.server.relay.flush();
    await t.server.gateway.flush();
    const gw = t.server.gateway;

    // Another instance numbered base+1..+3, this one base+4..+5; ours is offered first.
    const theirs = await numbered(range(base + 1, base + 3));
    const ours = await numbered(range(base + 4, base + 5));
    gw.publish(ours);
    await client.until(() => client.cursor.lastSeq >= base + 5, 'the first five');
    gw.publish(theirs); // arrives late: nothing again
    gw.publish(ours); // twice: nothing again

    // A batch whose message never arrives: found in the table.
    await numbered([base + 6, base + 7]);
    const next = await numbered([base + 8]);
    gw.publish(next);
    await client.until(() => client.cursor.lastSeq >= base + 8, 'the lost batch and the next');

    // Nobody tells this instance at all: the poll finds it.
    await numbered([base + 9]);
    await client.until(() => client.cursor.lastSeq >= base + 9, 'an unannounced event');

    // Events deleted in between (their workspace went away): the rest still goes out.
    const after = await numbered([base + 11]);
    gw.publish(after);
    await client.until(() => client.cursor.lastSeq >= base + 11, 'the event after a hole');

    await gw.flush();
    const wire = client.received.map((e) => e.seq);
    expect(seqsOf(client.applied, base)).toEqual([...range(base + 1, base + 9), base + 11]);
    expect(new Set(wire).size).toBe(wire.length);
    expect(strictlyIncreasing(wire)).toBe(true);
    expect(client.connections[0]!.live.length).toBe(wire.length);
    await client.disconnect();
  });

  it('two instances on one database (no Redis): both relays number, both feeds deliver in order, gap-free', async () => {
    const second = await startSecondInstance(t);
    try {
      const onFirst = new RecordingClient(t.url, { cookie: admin.cookie! });
      const onSecond = new RecordingClient(second.url, { cookie: admin.cookie! });
      await onFirst.connect();
      await onSecond.connect();
      const from = Math.max(onFirst.cursor.lastSeq, onSecond.cursor.lastSeq);
      const texts = (tag: string) => Array.from({ length: 30 }, (_, i) => `${tag}-${i}`);
      await Promise.all([
        postBurst(t.url, inbox, SECRET, texts('one'), { concurrency: 5, contacts: 6 }),
        postBurst(second.url, inbox, SECRET, texts('two'), { concurrency: 5, contacts: 6 }),
      ]);
      await t.server.relay.flush();
      await second.server.relay.flush();
      const rows = await t.server.services.store.prisma.event.findMany({ where: { seq: { gt: BigInt(from) } }, orderBy: { seq: 'asc' }, select: { seq: true } });
      const all = rows.map((r) => Number(r.seq));
      expect(all).toEqual(range(from + 1, from + all.length));
      for (const c of [onFirst, onSecond]) {
        await c.until(() => c.cursor.lastSeq >= all.at(-1)!, 'every event');
        expect(seqsOf(c.applied, from)).toEqual(all);
        const wire = c.received.map((e) => e.seq);
        expect(new Set(wire).size).toBe(wire.length);
        expect(strictlyIncreasing(wire)).toBe(true);
        const texts = c.applied.map(messageText).filter((x) => x?.startsWith('one-') || x?.startsWith('two-'));
        expect(new Set(texts).size).toBe(60);
      }
      await onFirst.disconnect();
      await onSecond.disconnect();
    } finally {
      await second.stop();
    }
  });
});
