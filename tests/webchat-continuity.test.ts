// Email continuity of the chat widget against real SMTP: agent replies a visitor does not read go to the
// visitor's email through the workspace's email inbox (the SMTP test receiver gets them), with the
// conversation's reply token; the visitor's email reply, handed to our forwarding SMTP endpoint, comes back
// into the same webchat conversation and appears live in their widget.
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { createEmailInbox } from './support/email.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { startSmtpReceiver, type RelayedMail } from './support/smtp-receiver.ts';
import { createWebchatInbox, eventually, Visitor, type WebchatInbox } from './support/widget.ts';

describe.each(storageModes())('widget email continuity (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let emailInbox: Awaited<ReturnType<typeof createEmailInbox>>;
  let chat: WebchatInbox;
  let inbound: ReturnType<typeof nodemailer.createTransport>;
  const mails: RelayedMail[] = [];
  const open: Visitor[] = [];

  const connect = async (token?: string) => {
    const v = await Visitor.connect(t.url, { inbox: chat.publicToken, ...(token ? { token } : {}) });
    open.push(v);
    return v;
  };
  /** A visitor who filled in the pre-chat form and wrote once; their conversation. */
  const visitorWith = async (email: string | null, text: string) => {
    const v = await connect();
    if (email) await v.profile({ name: email.split('@')[0], email });
    const m = await v.say(text);
    const { conversationId } = await t.db.prisma.message.findUniqueOrThrow({ where: { id: m.id }, select: { conversationId: true } });
    return { v, conversationId };
  };
  const reply = async (conversationId: string, text: string) => (await admin.post(`/api/conversations/${conversationId}/messages`, { text })).body as { id: string };
  const mailTo = async (address: string): Promise<ParsedMail> => {
    await eventually(() => mails.some((m) => m.to.includes(address)), `a mail to ${address}`, 30_000);
    return simpleParser(mails.find((m) => m.to.includes(address))!.raw);
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver(undefined, async (mail) => void mails.push(mail));
    t = await startTestServer(mode, {
      env: { SMTP_INBOUND_PORT: '0', SMTP_INBOUND_HOST: '127.0.0.1', PUBLIC_URL: 'https://help.shop.example' },
      webchat: { continuitySweepMs: 200 },
    });
    admin = await setupAdmin(t.url);
    emailInbox = await createEmailInbox(admin, { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: 'support@shop.example', fromName: 'Acme Support' });
    chat = await createWebchatInbox(admin, { title: 'Acme chat', preChatForm: { enabled: true, name: 'optional', email: 'optional' }, continuity: { emailInboxId: emailInbox.id, afterSeconds: 1 } });
    inbound = nodemailer.createTransport({ host: '127.0.0.1', port: t.server.mail.smtp!.port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    for (const v of open) v.close();
    inbound?.close();
    await t?.stop();
    await smtp?.close();
  });

  it('emails replies the visitor left unread, and their email reply comes back into the same conversation, live', async () => {
    const { v, conversationId } = await visitorWith('erika@example.com', 'Hello? Anyone there?');
    const token = v.token;
    v.close(); // the visitor left
    const first = await reply(conversationId, 'Sorry for the wait, we are here now.');
    const second = await reply(conversationId, 'Your parcel left our warehouse today.');

    const mail = await mailTo('erika@example.com');
    const conversation = await t.db.prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation.replyToken).toMatch(/^[a-z0-9]{14}$/);
    expect(mail.subject).toBe('New reply: Acme chat');
    expect(mail.from?.value[0]).toMatchObject({ address: 'support@shop.example', name: 'Ada Admin (Acme Support)' });
    expect(mail.replyTo?.value[0]?.address).toBe(`support+${conversation.replyToken}@shop.example`);
    // Both unread replies in one mail.
    expect(mail.text).toContain('Sorry for the wait, we are here now.');
    expect(mail.text).toContain('Your parcel left our warehouse today.');
    expect(mail.text).toContain('continue the chat on our website');
    expect(mails.filter((m) => m.to.includes('erika@example.com'))).toHaveLength(1);
    await eventually(async () => {
      const rows = await t.db.prisma.message.findMany({ where: { id: { in: [first.id, second.id] } } });
      return rows.every((r) => (r.metadata as { emailFallback?: { to?: string } }).emailFallback?.to === 'erika@example.com');
    }, 'both replies marked as emailed');

    // The visitor is back on the site, and answers the mail.
    const back = await connect(token);
    expect(back.session?.messages.map((m) => m.text)).toEqual(['Hello? Anyone there?', 'Sorry for the wait, we are here now.', 'Your parcel left our warehouse today.']);
    const answer = [
      'From: Erika <erika@example.com>',
      `To: support+${conversation.replyToken}@shop.example`,
      'Subject: Re: New reply: Acme chat',
      `Date: ${new Date().toUTCString()}`,
      'Message-ID: <answer-1@mail.example.com>',
      `In-Reply-To: ${mail.messageId}`,
      `References: ${mail.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Great, thanks a lot!',
      '',
      '> Your parcel left our warehouse today.',
      '',
    ].join('\r\n');
    // Forwarded by the company's mail server to the inbox's forwarding address (our SMTP endpoint).
    await inbound.sendMail({ envelope: { from: 'erika@example.com', to: [emailInbox.forwardingAddress] }, raw: answer });

    const live = await back.message((m) => m.text === 'Great, thanks a lot!', 'the email reply in the widget');
    expect(live).toMatchObject({ from: 'visitor', viaEmail: true, conversationId });
    const stored = await t.db.prisma.message.findFirstOrThrow({ where: { providerMessageId: '<answer-1@mail.example.com>' } });
    expect(stored).toMatchObject({ inboxId: chat.id, conversationId, direction: 'in' });
    expect(await t.db.prisma.message.count({ where: { inboxId: emailInbox.id } })).toBe(0);
  });

  it('does not email replies the visitor read in time, nor visitors who left no address', async () => {
    const read = await visitorWith('reader@example.com', 'Quick question');
    const r1 = await reply(read.conversationId, 'Quick answer');
    await read.v.message((m) => m.id === r1.id, 'the answer');
    read.v.socket.emit('messages:ack', { ids: [r1.id], status: 'read' });
    await eventually(async () => (await t.db.prisma.message.findUniqueOrThrow({ where: { id: r1.id } })).deliveryStatus === 'read', 'the answer read');
    const anonymous = await visitorWith(null, 'No email from me');
    const r2 = await reply(anonymous.conversationId, 'Answer without an address');
    anonymous.v.close();

    // A later unread reply to a third visitor: once its mail is out, the sweeps have long passed the first two.
    const control = await visitorWith('control@example.com', 'Control question');
    control.v.close();
    await reply(control.conversationId, 'Control answer');
    await mailTo('control@example.com');
    expect(mails.some((m) => m.to.includes('reader@example.com'))).toBe(false);
    const keys = (await t.db.prisma.job.findMany({ where: { queue: 'webchat.email' }, select: { singletonKey: true } })).map((j) => j.singletonKey);
    expect(keys).not.toContain(`webchat.email:${r1.id}`);
    expect(keys).toContain(`webchat.email:${r2.id}`);
    expect(mails.filter((m) => !m.to.includes('erika@example.com') && !m.to.includes('control@example.com'))).toEqual([]);
  });
});
