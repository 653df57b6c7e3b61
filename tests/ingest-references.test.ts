// Reference threading in the one ingest path (the rules email threading stands on): a message joins the
// conversation of a reply token or of the first referenced message this inbox stored or sent; otherwise it
// starts a thread of its own (never by subject); automated messages never start or reopen a conversation;
// Cc'd customers are recorded on the conversation. Channel-agnostic: driven with normalized messages.
import type { InboundMessage } from '@switchboard/channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, setupAdmin } from './support/api.ts';
import { eventually, startReceiver } from './support/webhook-receiver.ts';

const SECRET = 'refs-secret-0123456789abcdef';

function mail(id: string, from: string, opts: Partial<InboundMessage> = {}): InboundMessage {
  return {
    providerMessageId: id,
    contact: { name: from.split('@')[0], identities: [{ kind: 'email', address: from }] },
    text: `text of ${id}`,
    subject: 'Order question',
    attachments: [],
    occurredAt: new Date(),
    metadata: {},
    threadCandidates: [],
    ...opts,
  };
}

describe.each(storageModes())('ingest: reference threading (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let inbox: { id: string; workspaceId: string; settings: unknown; publicToken: string };
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    t = await startTestServer(mode);
    receiver = await startReceiver();
    admin = await setupAdmin(t.url);
    const created = (await admin.post('/api/inboxes', { kind: 'api', name: 'Refs', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    const me = (await admin.get('/api/me')).body;
    inbox = { id: created.id, workspaceId: me.workspaceId, settings: {}, publicToken: created.publicToken };
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.stop();
  });

  const ingest = async (m: InboundMessage) => (await t.server.services.ingest.ingest(inbox, [m]))[0]!;
  const messagesOf = async (conversationId: string) => (await admin.get(`/api/conversations/${conversationId}/messages`)).body.items as Array<{ providerMessageId: string; metadata: Record<string, unknown> }>;
  const conversation = async (id: string) => (await admin.get(`/api/conversations/${id}`)).body;

  it('a reply joins the conversation of the first referenced message it knows; the subject never merges threads', async () => {
    const first = await ingest(mail('<a1@mail.test>', 'rita@example.test'));
    expect(first.created).toBe(true);
    // References an unknown id first, then the first mail: threads through the known one.
    const reply = await ingest(mail('<a2@mail.test>', 'rita@example.test', { subject: 'Something else entirely', threadCandidates: ['<gone@elsewhere>', '<a1@mail.test>'] }));
    expect(reply.conversation?.id).toBe(first.conversation?.id);
    // Same contact, same subject, no reference: a new thread, even though the first conversation is open.
    const unrelated = await ingest(mail('<b1@mail.test>', 'rita@example.test'));
    expect(unrelated.created).toBe(true);
    expect(unrelated.conversation?.id).not.toBe(first.conversation?.id);
    expect((await messagesOf(first.conversation!.id)).map((m) => m.providerMessageId).sort()).toEqual(['<a1@mail.test>', '<a2@mail.test>']);
    expect((await messagesOf(unrelated.conversation!.id)).map((m) => m.providerMessageId)).toEqual(['<b1@mail.test>']);
  });

  it('a reply to a resolved conversation reopens it; an automated reply joins without reopening or waiting', async () => {
    const first = await ingest(mail('<c1@mail.test>', 'sam@example.test'));
    const id = first.conversation!.id;
    expect((await admin.patch(`/api/conversations/${id}`, { status: 'resolved' })).status).toBe(200);

    const auto = await ingest(mail('<c2@mail.test>', 'sam@example.test', { threadCandidates: ['<c1@mail.test>'], automated: true }));
    expect(auto.conversation?.id).toBe(id);
    expect((await conversation(id)).status).toBe('resolved');
    const stored = (await messagesOf(id)).find((m) => m.providerMessageId === '<c2@mail.test>');
    expect(stored?.metadata.automated).toBe(true);

    const human = await ingest(mail('<c3@mail.test>', 'sam@example.test', { threadCandidates: ['<c2@mail.test>', '<c1@mail.test>'] }));
    expect(human.conversation?.id).toBe(id);
    const reopened = await conversation(id);
    expect(reopened.status).toBe('open');
    expect(reopened.waitingSince).not.toBeNull();
  });

  it('an automated message that matches no conversation is dropped: nothing stored, no contact conversation', async () => {
    const before = (await admin.get('/api/conversations')).body.total;
    const r = await ingest(mail('<ooo@mail.test>', 'away@example.test', { automated: true, threadCandidates: ['<never-seen@x>'] }));
    expect(r.dropped).toBe('automated');
    expect(r.message).toBeNull();
    expect((await admin.get('/api/conversations')).body.total).toBe(before);
    // Delivered again (IMAP resync), still nothing.
    expect((await ingest(mail('<ooo@mail.test>', 'away@example.test', { automated: true }))).dropped).toBe('automated');
    expect((await admin.get('/api/conversations')).body.total).toBe(before);
  });

  it('a conversation token threads a message that carries no references', async () => {
    const first = await ingest(mail('<d1@mail.test>', 'tom@example.test'));
    const id = first.conversation!.id;
    await t.server.services.store.prisma.conversation.update({ where: { id }, data: { replyToken: 'tok123abc' } });
    const viaToken = await ingest(mail('<d2@other-client.test>', 'tom.private@example.test', { conversationToken: 'tok123abc' }));
    expect(viaToken.conversation?.id).toBe(id);
    // A token of no conversation in this inbox falls back to the usual rules: a thread of its own.
    const stray = await ingest(mail('<d3@mail.test>', 'tom@example.test', { conversationToken: 'nosuchtoken' }));
    expect(stray.conversation?.id).not.toBe(id);
  });

  it('records Cc customers on the conversation (not the contact itself), once each', async () => {
    const people = [
      { name: 'Carla', identities: [{ kind: 'email' as const, address: 'carla@example.test' }] },
      { name: 'Ulf', identities: [{ kind: 'email' as const, address: 'ulf@example.test' }] },
      { name: 'Me', identities: [{ kind: 'email' as const, address: 'una@example.test' }] },
    ];
    const first = await ingest(mail('<e1@mail.test>', 'una@example.test', { participants: people }));
    await ingest(mail('<e2@mail.test>', 'una@example.test', { threadCandidates: ['<e1@mail.test>'], participants: people.slice(0, 1) }));
    const list = (await admin.get(`/api/conversations/${first.conversation!.id}/participants`)).body.items as Array<{ role: string; contact: { name: string; identities: Array<{ address: string }> } }>;
    expect(list.map((p) => [p.role, p.contact.identities[0]?.address])).toEqual([
      ['cc', 'carla@example.test'],
      ['cc', 'ulf@example.test'],
    ]);
  });

  it('an agent reply carries the customer message it answers (inReplyTo) to the channel', async () => {
    const first = await ingest(mail('<f1@mail.test>', 'vic@example.test'));
    await ingest(mail('<f2@mail.test>', 'vic@example.test', { threadCandidates: ['<f1@mail.test>'] }));
    const sentBefore = receiver.requests.length;
    expect((await admin.post(`/api/conversations/${first.conversation!.id}/messages`, { text: 'On it.' })).status).toBe(201);
    await receiver.waitFor(sentBefore + 1);
    const body = JSON.parse(receiver.requests[sentBefore]!.body);
    expect(body.message.inReplyTo).toBe('<f2@mail.test>');
    await eventually(async () => (await messagesOf(first.conversation!.id)).length === 3);
  });
});
