// The threading corpus (channels/src/email/fixtures/threading, real-world-shaped mails from Gmail, Outlook,
// Apple Mail and Thunderbird) replayed in order through the email adapter and the one ingest path into one
// email inbox: every mail must land in the conversation expected.json names, bounces must fail our
// message, automated mail without a thread must store nothing.
import { emailAdapter, type ParsedInbound } from '@switchboard/channels';
import { emailTestContext, readEmailFixture, readThreadingCorpus, startSmtpFake, type SmtpFake } from '@switchboard/channels/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { forwardingInbox } from './support/email.ts';
import { ApiClient, setupAdmin } from './support/api.ts';
import { eventually } from './support/webhook-receiver.ts';

const corpus = readThreadingCorpus();

describe.each(storageModes())('email threading corpus through the ingest path (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let smtp: SmtpFake;
  let inbox: { id: string; workspaceId: string; settings: unknown };
  /** Label in expected.json → our conversation id. */
  const conversations = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestServer(mode);
    smtp = await startSmtpFake();
    admin = await setupAdmin(t.url);
    inbox = await forwardingInbox(admin, smtp.port, corpus.inbox.fromAddress);
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.stop();
  });

  const ctx = () => emailTestContext({ credentials: { fromAddress: corpus.inbox.fromAddress }, now: () => new Date() });
  const prisma = () => t.server.services.store.prisma;

  /** An agent reply really sent over SMTP, then given the corpus's Message-ID (the id replies refer to). */
  async function sendAs(providerMessageId: string, conversationId: string): Promise<void> {
    const reply = await admin.post(`/api/conversations/${conversationId}/messages`, { text: `We are on it (${providerMessageId})` });
    expect(reply.status).toBe(201);
    await eventually(async () => (await prisma().message.findUnique({ where: { id: reply.body.id } }))?.deliveryStatus === 'sent');
    await prisma().message.update({ where: { id: reply.body.id }, data: { providerMessageId } });
  }

  async function deliver(file: string): Promise<{ parsed: ParsedInbound; conversationIds: Array<string | null> }> {
    const parsed = await emailAdapter.parseRaw!(readEmailFixture(`threading/${file}`), ctx());
    const results = await t.server.services.ingest.ingest(inbox, parsed.messages);
    await t.server.services.ingest.applyStatuses(inbox, parsed.statuses);
    return { parsed, conversationIds: results.map((r) => r.conversation?.id ?? null) };
  }

  it(`threads all ${corpus.deliveries.filter((d) => d.file).length} mails exactly as expected`, async () => {
    expect(corpus.deliveries.filter((d) => d.file).length).toBeGreaterThanOrEqual(15);
    for (const d of corpus.deliveries) {
      if (d.sent) {
        await sendAs(d.sent, conversations.get(d.conversation!)!);
        continue;
      }
      const before = await prisma().message.count({ where: { inboxId: inbox.id } });
      const conversationsBefore = await prisma().conversation.count({ where: { inboxId: inbox.id } });
      const { parsed, conversationIds } = await deliver(d.file!);
      const label = `${d.file} → ${d.conversation ?? 'nothing'}`;

      if (d.conversation === null) {
        expect(conversationIds.filter(Boolean), label).toEqual([]);
        expect(await prisma().message.count({ where: { inboxId: inbox.id } }), label).toBe(before);
        expect(await prisma().conversation.count({ where: { inboxId: inbox.id } }), label).toBe(conversationsBefore);
        if (d.status) {
          const ours = await prisma().message.findUnique({ where: { inboxId_providerMessageId: { inboxId: inbox.id, providerMessageId: d.status.providerMessageId } } });
          expect(ours?.deliveryStatus, label).toBe(d.status.status);
          expect(ours?.deliveryError, label).toBeTruthy();
        }
        continue;
      }

      expect(conversationIds, label).toHaveLength(1);
      const id = conversationIds[0]!;
      if (d.starts) {
        expect([...conversations.values()], `${label}: must start a new conversation`).not.toContain(id);
        conversations.set(d.conversation, id);
        const token = Object.entries(corpus.tokens).find(([, l]) => l === d.conversation)?.[0];
        if (token) await prisma().conversation.update({ where: { id }, data: { replyToken: token } });
      } else {
        expect(id, label).toBe(conversations.get(d.conversation));
      }
      expect(await prisma().message.count({ where: { inboxId: inbox.id } }), label).toBe(before + 1);
      if (d.automated) {
        const providerMessageId = parsed.messages[0]!.providerMessageId;
        const stored = await prisma().message.findUnique({ where: { inboxId_providerMessageId: { inboxId: inbox.id, providerMessageId } } });
        expect((stored?.metadata as Record<string, unknown>).automated, label).toBe(true);
      }
      if (d.participants) {
        const list = (await admin.get(`/api/conversations/${id}/participants`)).body.items as Array<{ contact: { identities: Array<{ address: string }> } }>;
        // On the conversation: its contact, or a participant (everyone else the thread addressed).
        const contact = (await admin.get(`/api/contacts/${(await admin.get(`/api/conversations/${id}`)).body.contact.id}`)).body;
        const addresses = [...list, { contact }].flatMap((p) => p.contact.identities.map((i: { address: string }) => i.address));
        for (const p of d.participants) expect(addresses, label).toContain(p);
      }
    }
    // Every label ended up as its own conversation: no two threads merged.
    expect(new Set(conversations.values()).size).toBe(conversations.size);
  });

  it('a second replay of the whole corpus stores nothing new (dedupe by Message-ID)', async () => {
    const before = await prisma().message.count({ where: { inboxId: inbox.id } });
    for (const d of corpus.deliveries) if (d.file) await deliver(d.file);
    expect(await prisma().message.count({ where: { inboxId: inbox.id } })).toBe(before);
  });
});
