// The whole email loop on real servers: a customer's mail reaches our support mailbox (Dovecot), the IMAP sync
// ingests it; an agent's reply goes out over SMTP into the customer's Dovecot mailbox with correct threading
// headers; the customer's reply to it (as a mail client writes it) lands in the same conversation.
import { simpleParser } from 'mailparser';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startDovecot, testMail, type Dovecot } from './support/dovecot.ts';
import { createEmailInbox, imapCredentials, MAILBOX_PASSWORD, storedMessageIds } from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';

async function fetchAll(dovecot: Dovecot, user: string): Promise<string[]> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: MAILBOX_PASSWORD }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  try {
    const out: string[] = [];
    if ((client.mailbox && client.mailbox.exists) || 0) {
      for await (const m of client.fetch('1:*', { source: true })) if (m.source) out.push(m.source.toString('utf8'));
    }
    return out;
  } finally {
    lock.release();
    await client.logout();
  }
}

describe.each(storageModes())('email round trip through Dovecot and SMTP (%s)', (mode) => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let t: TestServer;
  let admin: ApiClient;
  const support = `support-${mode}@support.example`;
  const customer = `kim-${mode}@customer.example`;

  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(support, MAILBOX_PASSWORD);
    dovecot.addUser(customer, MAILBOX_PASSWORD);
    // Our outgoing SMTP server delivers into the recipients' Dovecot mailboxes, like a real MTA.
    smtp = await startSmtpReceiver(undefined, async (mail) => {
      for (const to of mail.to) await dovecot.deliver(to, mail.raw);
    });
    t = await startTestServer(mode, { mailSync: { discoverMs: 300, backoffMinMs: 100, backoffMaxMs: 1_000, leaseRetryMs: 200 } });
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  it('reply (with an attachment) arrives with threading headers; the customer reply to it joins the same conversation', async () => {
    const inbox = await createEmailInbox(admin, { ...imapCredentials(dovecot, support, smtp.port), fromName: 'Acme Support' });
    const first = testMail({ from: `Kim Lee <${customer}>`, to: support, subject: 'Broken hinge', text: 'The hinge broke after a week.' });
    await dovecot.deliver(support, first.raw);
    await eventually(async () => (await storedMessageIds(t, inbox.id)).includes(first.messageId), 30_000);
    const conversation = (await admin.get(`/api/conversations?inboxId=${inbox.id}`)).body.items[0];
    expect(conversation.subject).toBe('Broken hinge');

    // The agent answers through the API.
    const label = Buffer.from('%PDF-1.4 return label for Kim\n');
    const reply = await admin.post(`/api/conversations/${conversation.id}/messages`, {
      text: 'Sorry to hear that! A new hinge is on its way.',
      attachments: [{ name: 'return-label.pdf', contentType: 'application/pdf', contentBase64: label.toString('base64') }],
    });
    expect(reply.status).toBe(201);
    expect(reply.body.attachments).toMatchObject([{ name: 'return-label.pdf', contentType: 'application/pdf', size: label.length }]);
    const download = await fetch(t.url + reply.body.attachments[0].url, { headers: { cookie: admin.cookie! } });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(label);
    const received = await eventually(async () => {
      const mails = await fetchAll(dovecot, customer);
      return mails.length > 0 ? mails : null;
    }, 30_000);
    expect(received).toHaveLength(1);
    const mail = await simpleParser(received[0]!);
    const sent = await eventually(async () => {
      const m = (await admin.get(`/api/conversations/${conversation.id}/messages`)).body.items.find((x: { id: string }) => x.id === reply.body.id);
      return m?.deliveryStatus === 'sent' ? m : null;
    });
    const token = (await t.db.prisma.conversation.findUnique({ where: { id: conversation.id } }))?.replyToken;
    expect(token).toMatch(/^[a-z0-9]{8,}$/);

    // RFC 5322 threading: our own Message-ID (what we stored), In-Reply-To and References the customer's mail.
    expect(mail.messageId).toBe(sent.providerMessageId);
    expect(mail.messageId).toMatch(/@support\.example>$/);
    expect(mail.inReplyTo).toBe(first.messageId);
    expect([mail.references].flat()).toEqual([first.messageId]);
    expect(mail.subject).toBe('Re: Broken hinge');
    expect(mail.from?.value[0]).toMatchObject({ address: support });
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : null).toBe(customer);
    expect(mail.replyTo?.value[0]?.address).toBe(`support-${mode}+${token}@support.example`);
    expect(mail.text).toContain('A new hinge is on its way.');
    expect(mail.attachments.map((f) => [f.filename, f.contentType, f.content.toString()])).toEqual([['return-label.pdf', 'application/pdf', label.toString()]]);

    // The customer's mail client answers: to the Reply-To address, In-Reply-To ours, References the chain.
    const answer = [
      `From: Kim Lee <${customer}>`,
      `To: ${mail.replyTo?.text}`,
      `Subject: Re: Broken hinge`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <answer-${mode}@customer.example>`,
      `In-Reply-To: ${mail.messageId}`,
      `References: ${first.messageId} ${mail.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Thanks, it arrived!',
      '',
      `On ${new Date().toUTCString()} Acme Support <${support}> wrote:`,
      '> Sorry to hear that! A new hinge is on its way.',
      '',
    ].join('\r\n');
    await dovecot.deliver(support, answer);
    await eventually(async () => (await storedMessageIds(t, inbox.id)).includes(`<answer-${mode}@customer.example>`), 30_000);

    const messages = (await admin.get(`/api/conversations/${conversation.id}/messages`)).body.items as Array<{ direction: string; text: string; providerMessageId: string }>;
    // (Mail dates have whole seconds: within one second the timeline order of these three is not defined.)
    expect(Object.fromEntries(messages.map((m) => [m.providerMessageId, m.direction]))).toEqual({
      [first.messageId]: 'in',
      [mail.messageId!]: 'out',
      [`<answer-${mode}@customer.example>`]: 'in',
    });
    // The displayed reply is the new text; the quoted history is stripped.
    expect(messages.find((m) => m.providerMessageId === `<answer-${mode}@customer.example>`)?.text).toBe('Thanks, it arrived!');
    expect((await admin.get(`/api/conversations?inboxId=${inbox.id}`)).body.total).toBe(1);
  });
});
