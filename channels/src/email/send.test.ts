import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../contract.ts';
import { startFake, type HttpFake } from '../testing/http-fake.ts';
import { channelErrorOf, sampleOutboundMessage } from '../testing/fixtures.ts';
import { startSmtpFake, type SmtpFake } from '../testing/smtp-fake.ts';
import { capReferences, replySubject } from './compose.ts';
import { emailTestContext } from './fixtures.ts';
import { parseEmail } from './parse.ts';
import { sendEmail } from './send.ts';

let smtp: SmtpFake | undefined;
let http: HttpFake | undefined;
afterEach(async () => {
  await smtp?.close();
  await http?.close();
  smtp = undefined;
  http = undefined;
});

const reply = (overrides: Partial<OutboundMessage> = {}): OutboundMessage =>
  sampleOutboundMessage({
    inReplyTo: { providerMessageId: '<cust-2@example.com>' },
    references: ['<cust-1@example.com>', 'msg_prev@support.example', '<cust-2@example.com>'],
    replyToken: 'tok123',
    participants: [
      { name: 'Bea', identities: [{ kind: 'email', address: 'Bea@Example.net' }] },
      { name: 'Ada again', identities: [{ kind: 'email', address: 'ada@example.com' }] },
      { name: 'Phone only', identities: [{ kind: 'phone', address: '+14155552671' }] },
    ],
    ...overrides,
  });

async function smtpContext(settings = {}) {
  smtp = await startSmtpFake();
  return emailTestContext({ smtpPort: smtp.port, settings });
}

describe('sendEmail: the mail on the wire', () => {
  it('sets threading headers, reply address, names, recipients, subject and both bodies', async () => {
    const ctx = await smtpContext();
    const result = await sendEmail(reply(), ctx);
    expect(result.providerMessageId).toBe('<msg_01HZXSAMPLE@support.example>');
    expect(result.status).toBe('sent');
    expect(result.metadata?.accepted).toEqual(['ada@example.com', 'bea@example.net']);

    const [sent] = smtp?.messages ?? [];
    expect(sent?.from).toBe('support@support.example');
    expect(sent?.to).toEqual(['ada@example.com', 'bea@example.net']);
    const mail = await simpleParser(sent?.raw ?? Buffer.alloc(0));
    expect(mail.messageId).toBe('<msg_01HZXSAMPLE@support.example>');
    expect(mail.inReplyTo).toBe('<cust-2@example.com>');
    expect(mail.references).toEqual(['<cust-1@example.com>', '<msg_prev@support.example>', '<cust-2@example.com>']);
    expect(mail.replyTo?.value).toEqual([{ name: 'Acme Support', address: 'support+tok123@support.example' }]);
    expect(mail.from?.value).toEqual([{ name: 'Grace (Support) (Acme Support)', address: 'support@support.example' }]);
    expect(mail.to).toMatchObject({ value: [{ name: 'Ada Lovelace', address: 'ada@example.com' }] });
    expect(mail.cc).toMatchObject({ value: [{ address: 'bea@example.net' }] });
    expect(mail.subject).toBe('Re: Order #1234');
    expect(mail.text?.trim()).toBe('Hello from support!');
    expect(mail.html).toBe('<p>Hello from <b>support</b>!</p>');
    expect(mail.date?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('keeps the Message-ID stable across a failed and a successful attempt', async () => {
    const ctx = await smtpContext();
    smtp?.respondWith(451, '4.3.0 try again later');
    await channelErrorOf(sendEmail(reply(), ctx));
    smtp?.respondWith(250);
    const result = await sendEmail(reply(), ctx);
    expect(smtp?.attempts).toBe(2);
    const mail = await simpleParser(smtp?.messages[0]?.raw ?? Buffer.alloc(0));
    expect(mail.messageId).toBe(result.providerMessageId);
  });

  it('is threaded by our own parser on the same ids (round trip)', async () => {
    const ctx = await smtpContext();
    const result = await sendEmail(reply(), ctx);
    const parsed = await parseEmail(new Uint8Array(smtp?.messages[0]?.raw ?? []), ctx);
    expect(parsed.messages[0]?.providerMessageId).toBe(result.providerMessageId);
    expect(parsed.messages[0]?.threadCandidates?.[0]).toBe('<cust-2@example.com>');
  });

  it('escapes text into html when there is no html, and caps References to the first + last 20', async () => {
    const ctx = await smtpContext();
    const references = Array.from({ length: 30 }, (_, i) => `<r${i}@example.com>`);
    await sendEmail(reply({ html: null, text: 'a < b & "c"\nline 2', references, inReplyTo: { providerMessageId: '<r29@example.com>' } }), ctx);
    const mail = await simpleParser(smtp?.messages[0]?.raw ?? Buffer.alloc(0));
    expect(mail.html).toBe('<div>a &#60; b &#38; &#34;c&#34;<br>line 2</div>');
    expect(mail.references).toEqual([references[0], ...references.slice(10)]);
    expect(capReferences(['<a@x>'])).toEqual(['<a@x>']);
  });

  it('attaches files given by url (via ctx.fetch) or inline content', async () => {
    http = await startFake();
    http.respondWith(200, 'PDF-BYTES');
    const ctx = await smtpContext();
    const attachments = [
      { name: 'a.pdf', contentType: 'application/pdf', size: 9, url: `${http.url}/files/a.pdf` },
      { name: 'b.txt', contentType: 'text/plain', size: 2, content: new TextEncoder().encode('hi') },
    ];
    await sendEmail(reply({ attachments }), ctx);
    const mail = await simpleParser(smtp?.messages[0]?.raw ?? Buffer.alloc(0));
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['a.pdf', 'PDF-BYTES'],
      ['b.txt', 'hi'],
    ]);
    expect(http.requests[0]?.path).toBe('/files/a.pdf');
  });

  it('leaves Reply-To out for a token that cannot be an address part', async () => {
    const ctx = await smtpContext();
    await sendEmail(reply({ replyToken: 'bad token@x' }), ctx);
    const mail = await simpleParser(smtp?.messages[0]?.raw ?? Buffer.alloc(0));
    expect(mail.replyTo).toBeUndefined();
  });

  it("sends the agent's own Subject and Cc: the Cc replaces the participants', envelope included", async () => {
    const ctx = await smtpContext();
    await sendEmail(reply({ subject: 'New order, new subject', cc: ['Carl@Example.org', 'ada@example.com', 'support@support.example', 'carl@example.org'] }), ctx);
    const [sent] = smtp?.messages ?? [];
    // The contact (To) and our own address are never copied; duplicates collapse; Bea (a participant) was removed.
    expect(sent?.to).toEqual(['ada@example.com', 'carl@example.org']);
    const mail = await simpleParser(sent?.raw ?? Buffer.alloc(0));
    expect(mail.subject).toBe('New order, new subject');
    expect(mail.cc).toMatchObject({ value: [{ address: 'carl@example.org' }] });
  });

  it('an empty Cc list copies nobody; a blank subject falls back to Re: <conversation subject>', async () => {
    const ctx = await smtpContext();
    await sendEmail(reply({ subject: '  ', cc: [] }), ctx);
    const [sent] = smtp?.messages ?? [];
    expect(sent?.to).toEqual(['ada@example.com']);
    const mail = await simpleParser(sent?.raw ?? Buffer.alloc(0));
    expect(mail.cc).toBeUndefined();
    expect(mail.subject).toBe('Re: Order #1234');
  });

  it('words the subject: no doubled Re:, no Re: on a first message, fromName when empty', () => {
    expect(replySubject('RE: Invoice', true, 'Acme')).toBe('RE: Invoice');
    expect(replySubject('Invoice', true, 'Acme')).toBe('Re: Invoice');
    expect(replySubject('Invoice', false, 'Acme')).toBe('Invoice');
    expect(replySubject('  ', true, 'Acme')).toBe('Acme');
    expect(replySubject(null, false, 'Acme')).toBe('Acme');
  });
});

describe('sendEmail: failures', () => {
  it('refuses a contact without an email identity (permanent invalid_recipient, nothing sent)', async () => {
    const ctx = await smtpContext();
    const msg = reply({ contact: { id: 'c', name: null, identities: [{ kind: 'phone', address: '+14155552671' }] } });
    const err = await channelErrorOf(sendEmail(msg, ctx));
    expect(err.code).toBe('invalid_recipient');
    expect(err.transient).toBe(false);
    expect(smtp?.attempts).toBe(0);
  });

  it('treats a 4xx reply as transient', async () => {
    const ctx = await smtpContext();
    smtp?.respondWith(451, '4.7.1 greylisted');
    const err = await channelErrorOf(sendEmail(reply(), ctx));
    expect(err.transient).toBe(true);
    expect(err.providerStatus).toBe(451);
  });

  it("treats a 5xx reply as permanent 'rejected' with the server's text", async () => {
    const ctx = await smtpContext();
    smtp?.respondWith(550, '5.7.1 message refused as spam');
    const err = await channelErrorOf(sendEmail(reply(), ctx));
    expect(err.code).toBe('rejected');
    expect(err.transient).toBe(false);
    expect(err.providerStatus).toBe(550);
    expect(err.message).toContain('message refused as spam');
  });

  it('treats bad SMTP credentials as permanent', async () => {
    smtp = await startSmtpFake({ auth: { user: 'agent', pass: 'right' } });
    const ctx = emailTestContext({
      credentials: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'agent', password: 'wrong' } },
    });
    const err = await channelErrorOf(sendEmail(reply(), ctx));
    expect(err.transient).toBe(false);
    expect(err.providerStatus).toBe(535);
    const ok = emailTestContext({
      credentials: { smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'agent', password: 'right' } },
    });
    await sendEmail(reply(), ok);
    expect(smtp.messages[0]?.user).toBe('agent');
  });

  it('treats a closed port as a transient network error', async () => {
    const closed = await startSmtpFake();
    await closed.close();
    const err = await channelErrorOf(sendEmail(reply(), emailTestContext({ smtpPort: closed.port })));
    expect(err.transient).toBe(true);
    expect(err.code).toBe('network_error');
  });

  it('reports a failed APPEND to Sent in metadata without failing the send', async () => {
    const closed = await startSmtpFake();
    await closed.close();
    smtp = await startSmtpFake();
    const ctx = emailTestContext({
      smtpPort: smtp.port,
      settings: { appendToSent: true },
      credentials: {
        mode: 'imap',
        imap: { host: '127.0.0.1', port: closed.port, security: 'none', user: 'u', password: 'p', folder: 'INBOX' },
      },
    });
    const result = await sendEmail(reply(), ctx, { timeoutMs: 2_000 });
    expect(result.metadata?.appendedToSent).toBe(false);
    expect(String(result.metadata?.appendError)).not.toBe('');
    expect(smtp.messages).toHaveLength(1);
  });
});
