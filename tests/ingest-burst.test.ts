import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { postApiWebhook, setupAdmin } from './support/api.ts';

const SECRET = 'burst-secret-0123456789';

/**
 * Many customers at once, as under load: on PostgreSQL the ingest transactions that wait for a connection share
 * one transaction and one commit (group commit, server/src/repositories/transaction-groups.ts). Whatever shares a
 * commit, every message must be stored once, on the right contact and conversation.
 */
describe.each(storageModes())('ingest under a concurrent burst (%s)', (mode) => {
  let t: TestServer;
  let inbox: { id: string; publicToken: string };

  beforeAll(async () => {
    // A small pool (two transaction slots): the burst has to queue, and on PostgreSQL queued messages share commits.
    t = await startTestServer(mode, { poolSize: 3 });
    const admin = await setupAdmin(t.url);
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET, webhookUrl: 'http://127.0.0.1:9/unused' } });
    expect(r.status).toBe(201);
    inbox = r.body;
  });
  afterAll(() => t?.stop());

  const post = (messages: unknown[]) => postApiWebhook(t.url, inbox.publicToken, SECRET, { messages });

  it('stores every message once, one conversation per customer and one per thread, known and new customers alike', async () => {
    const known = Array.from({ length: 8 }, (_, i) => `known-${i}`);
    const fresh = Array.from({ length: 8 }, (_, i) => `new-${i}`);
    const customers = [...known, ...fresh];
    const threaded = (c: string) => Number(c.split('-')[1]) % 2 === 1;
    const email = (c: string) => `${c}@example.com`;
    // The known customers wrote before (by id and email): one open conversation each.
    for (const c of known) expect((await post([{ id: `${c}-hello`, contact: { id: c, email: email(c) }, text: `${c} hello` }])).status).toBe(200);

    // Each customer sends five messages at once: plain ones, or two in each of two threads and a plain one. Some
    // of a known customer's messages name them by email only (another first identity, the same contact). Every
    // delivery is sent twice.
    const messages = customers.flatMap((c) =>
      ['1', '2', '3', '4', '5'].map((x) => ({
        id: `${c}-${x}`,
        contact: known.includes(c) && x === '2' ? { email: email(c) } : { id: c, email: email(c) },
        text: `${c} ${x}`,
        ...(threaded(c) && x !== '5' ? { threadId: `order-${c}-${Number(x) % 2}` } : {}),
      })),
    );
    const deliveries = [...messages, ...messages].sort((a, b) => (a.id < b.id ? -1 : 1));
    const answers = await Promise.all(deliveries.map((m) => post([m])));
    expect(answers.map((a) => a.status)).toEqual(deliveries.map(() => 200));
    expect(answers.reduce((n, a) => n + a.body.received, 0)).toBe(messages.length);
    expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(messages.length);

    const prisma = t.db.prisma;
    const stored = await prisma.message.findMany({
      where: { inboxId: inbox.id },
      select: { providerMessageId: true, text: true, conversationId: true, authorContactId: true },
    });
    expect(stored.map((m) => m.providerMessageId).sort()).toEqual([...known.map((c) => `${c}-hello`), ...messages.map((m) => m.id)].sort());
    const contacts = await prisma.contact.findMany({ select: { id: true, identities: { select: { kind: true, address: true } } } });
    expect(contacts).toHaveLength(customers.length);
    const conversations = await prisma.conversation.findMany({ where: { inboxId: inbox.id }, select: { id: true, contactId: true, threadKey: true, number: true } });
    expect(new Set(conversations.map((c) => c.number)).size).toBe(conversations.length);
    const byText = (text: string) => stored.find((m) => m.text === text)!;
    for (const c of customers) {
      const contact = contacts.find((k) => k.identities.some((i) => i.kind === 'email' && i.address === email(c)));
      expect(contact, c).toBeDefined();
      const theirs = conversations.filter((v) => v.contactId === contact!.id);
      for (const m of stored.filter((m) => m.text?.startsWith(`${c} `))) expect(m.authorContactId, m.text ?? '').toBe(contact!.id);
      const conversationOf = (x: string) => byText(`${c} ${x}`).conversationId;
      const plain = theirs.filter((v) => v.threadKey === null);
      // One conversation without a thread: the plain messages (and a known customer's earlier one) are in it.
      expect(plain, c).toHaveLength(1);
      const plainOnes = threaded(c) ? ['5'] : ['1', '2', '3', '4', '5'];
      for (const x of [...plainOnes, ...(known.includes(c) ? ['hello'] : [])]) expect(conversationOf(x), `${c} ${x}`).toBe(plain[0]!.id);
      if (threaded(c)) {
        // And one conversation per thread, never mixed with the plain one.
        expect(theirs.map((v) => v.threadKey ?? '').sort(), c).toEqual(['', `order-${c}-0`, `order-${c}-1`]);
        expect(conversationOf('1'), c).toBe(conversationOf('3'));
        expect(conversationOf('2'), c).toBe(conversationOf('4'));
        expect(conversationOf('1'), c).not.toBe(conversationOf('2'));
        expect(theirs.find((v) => v.threadKey === `order-${c}-1`)?.id, c).toBe(conversationOf('1'));
      } else {
        expect(theirs, c).toHaveLength(1);
      }
    }
    // Every stored message has its message.created event, once.
    const events = await prisma.event.findMany({ where: { type: 'message.created', inboxId: inbox.id }, select: { payload: true } });
    const ids = events.map((e) => (e.payload as { message: { id: string } }).message.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(stored.length);
    if (mode === 'postgres') {
      // The burst did queue and share commits (otherwise this test would not have tried the grouped path).
      expect(t.server.services.store.groupStats?.groups).toBeGreaterThan(0);
    }
  });
});
