// What an agent's reply may carry besides text: an email reply's own Subject and Cc (handed to SMTP as they
// are), refused on other channels; the attachment limits the console reads from the session, enforced per
// file and per message with nothing stored.
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { createEmailInbox } from './support/email.ts';
import { startSmtpReceiver, type RelayedMail } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';

const SECRET = 'reply-compose-secret-0123456789';
const FILE_LIMIT = 64 * 1024;

describe.each(storageModes())('reply subject, Cc and attachment limits (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const outbox: RelayedMail[] = [];
  let apiConversation: string;
  let mailConversation: string;

  const messages = async (id: string) => (await admin.get(`/api/conversations/${id}/messages`)).body.items as Array<{ id: string; metadata: Record<string, unknown> }>;

  beforeAll(async () => {
    smtp = await startSmtpReceiver(undefined, async (mail) => void outbox.push(mail));
    t = await startTestServer(mode, { env: { SMTP_INBOUND_PORT: '0', SMTP_INBOUND_HOST: '127.0.0.1', ATTACHMENT_MAX_BYTES: String(FILE_LIMIT) } });
    admin = await setupAdmin(t.url);

    const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET } })).body;
    await postApiWebhook(t.url, api.publicToken, SECRET, { messages: [{ id: 'm-1', contact: { id: 'c-1', name: 'Ida' }, text: 'Hi' }] });
    apiConversation = (await admin.get(`/api/conversations?inboxId=${api.id}`)).body.items[0].id;

    const mail = await createEmailInbox(admin, { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: 'support@shop.example' });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.server.mail.smtp!.port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: 'erika@example.test', to: [mail.publicToken + '@shop.example'] },
      raw: [
        'From: Erika Muster <erika@example.test>',
        'To: support@shop.example',
        'Cc: Bea Beispiel <bea@example.test>',
        'Subject: Broken kettle',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <k1@example.test>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The kettle leaks.',
        '',
      ].join('\r\n'),
    });
    transport.close();
    mailConversation = (await admin.get(`/api/conversations?inboxId=${mail.id}`)).body.items[0].id;
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
  });

  it('the session tells the console the attachment limits (login and GET /session alike)', async () => {
    const expected = {
      attachmentMaxBytes: FILE_LIMIT,
      messageAttachmentsMaxBytes: 20 * 1024 * 1024,
      messageAttachmentsMaxCount: 10,
      // Replies on channels whose provider takes less: MMS 5 MB in all, WhatsApp 16 MB per file (the server's
      // per-file limit here is lower still).
      channels: {
        sms: { attachmentMaxBytes: FILE_LIMIT, messageAttachmentsMaxBytes: 5 * 1024 * 1024, messageAttachmentsMaxCount: 10 },
        whatsapp: { attachmentMaxBytes: FILE_LIMIT, messageAttachmentsMaxBytes: 20 * 1024 * 1024, messageAttachmentsMaxCount: 10 },
      },
    };
    expect((await admin.get('/api/session')).body.limits).toEqual(expected);
    const fresh = new ApiClient(t.url);
    const login = await fresh.post('/api/session', { email: 'admin@example.test', password: 'correct horse battery' });
    expect(login.body.limits).toEqual(expected);
  });

  it('refuses a file over the per-file limit with 413 and stores nothing; one at the limit is sent', async () => {
    const before = (await messages(apiConversation)).length;
    const over = await admin.post(`/api/conversations/${apiConversation}/messages`, {
      text: 'too big',
      attachments: [{ name: 'big.bin', contentBase64: Buffer.alloc(FILE_LIMIT + 1, 1).toString('base64') }],
    });
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'payload_too_large', details: { name: 'big.bin', size: FILE_LIMIT + 1, limit: FILE_LIMIT } });
    expect((await messages(apiConversation)).length).toBe(before);
    const at = await admin.post(`/api/conversations/${apiConversation}/messages`, { attachments: [{ name: 'ok.bin', contentBase64: Buffer.alloc(FILE_LIMIT, 1).toString('base64') }] });
    expect(at.status).toBe(201);
    expect(at.body.attachments).toMatchObject([{ name: 'ok.bin', size: FILE_LIMIT, error: null }]);
  });

  it('refuses subject and Cc on a non-email conversation (400, nothing stored)', async () => {
    const before = (await messages(apiConversation)).length;
    const r = await admin.post(`/api/conversations/${apiConversation}/messages`, { text: 'Hello', subject: 'Hi', cc: ['x@example.test'] });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(Object.keys(r.body.error.details.fieldErrors).sort()).toEqual(['cc', 'subject']);
    expect((await messages(apiConversation)).length).toBe(before);
  });

  it('refuses an invalid Cc address and a multi-line subject with field errors', async () => {
    const bad = await admin.post(`/api/conversations/${mailConversation}/messages`, { text: 'Hello', cc: ['bea@example.test', 'not an address'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fieldErrors['cc.1']).toEqual([expect.stringContaining('Not a valid email address')]);
    const twoLines = await admin.post(`/api/conversations/${mailConversation}/messages`, { text: 'Hello', subject: 'a\r\nBcc: evil@example.test' });
    expect(twoLines.status).toBe(400);
  });

  it('a reply without Cc copies the conversation participants, under Re: <subject>', async () => {
    const r = await admin.post(`/api/conversations/${mailConversation}/messages`, { text: 'We are looking into it.' });
    expect(r.status).toBe(201);
    const sent = await eventually(async () => outbox.find((m) => m.raw.includes(r.body.id)));
    const mail = await simpleParser(sent.raw);
    expect(mail.subject).toBe('Re: Broken kettle');
    expect(mail.cc).toMatchObject({ value: [{ address: 'bea@example.test' }] });
    expect(sent.to.sort()).toEqual(['bea@example.test', 'erika@example.test']);
  });

  it("a reply with its own subject and Cc goes out with exactly those (stored for retries in metadata.emailReply)", async () => {
    const r = await admin.post(`/api/conversations/${mailConversation}/messages`, { text: 'Replacement on its way.', subject: 'Your replacement kettle', cc: ['Carl@Example.test', 'carl@example.test'] });
    expect(r.status).toBe(201);
    expect(r.body.metadata.emailReply).toEqual({ subject: 'Your replacement kettle', cc: ['carl@example.test'] });
    const sent = await eventually(async () => outbox.find((m) => m.raw.includes(r.body.id)));
    const mail = await simpleParser(sent.raw);
    expect(mail.subject).toBe('Your replacement kettle');
    expect(mail.cc).toMatchObject({ value: [{ address: 'carl@example.test' }] });
    expect(sent.to.sort()).toEqual(['carl@example.test', 'erika@example.test']);
  });
});
