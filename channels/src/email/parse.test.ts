import { describe, expect, it } from 'vitest';
import { channelErrorOf } from '../testing/fixtures.ts';
import { emailTestContext, mailWithInlineImageAndFile, readFixture, TEST_PNG } from './fixtures.ts';
import { parseEmail } from './parse.ts';

const ctx = emailTestContext();
const eml = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));
const first = async (raw: Uint8Array, c = ctx) => {
  const parsed = await parseEmail(raw, c);
  const [m] = parsed.messages;
  if (!m) throw new Error('no message parsed');
  return m;
};
const malformedError = (raw: Uint8Array) => channelErrorOf(parseEmail(raw, ctx));

const withAttachments = (pdfBytes: number) =>
  mailWithInlineImageAndFile({ subject: 'Screenshot', text: 'See', file: { name: 'invoice.pdf', contentType: 'application/pdf', bytes: Buffer.alloc(pdfBytes, 0x25) } });

describe('parseEmail: identities and fields', () => {
  it('lower-cases the sender, keeps names, reads the Date header and html as received', async () => {
    const html = '<div>Hi <b>there</b><script>x()</script></div>';
    const m = await first(
      eml([
        'From: "Ada Lovelace" <Ada@Example.COM>',
        'To: support@support.example, Other Person <Other@Example.org>',
        'Cc: Bea <bea@example.net>, SUPPORT@support.example',
        'Reply-To: ada.work@example.com',
        'Subject: Hello',
        'Date: Fri, 17 May 2024 10:00:00 +0200',
        'Message-ID:   abc123@example.com  ',
        'Content-Type: text/html; charset=utf-8',
        '',
        html,
      ]),
    );
    expect(m.contact).toEqual({ name: 'Ada Lovelace', identities: [{ kind: 'email', address: 'ada@example.com' }] });
    expect(m.providerMessageId).toBe('<abc123@example.com>');
    expect(m.participants?.map((p) => p.identities[0]?.address)).toEqual(['other@example.org', 'bea@example.net']);
    expect(m.html).toBe(html);
    expect(m.text).toBe('Hi there');
    expect(m.occurredAt.toISOString()).toBe('2024-05-17T08:00:00.000Z');
    const email = m.metadata.email as Record<string, unknown>;
    expect(email.messageId).toBe('<abc123@example.com>');
    expect(email.replyTo).toEqual([{ address: 'ada.work@example.com' }]);
    expect(email.inReplyTo).toBeNull();
    expect(email.references).toEqual([]);
  });

  it('gives a mail without Message-ID a deterministic id derived from its bytes', async () => {
    const raw = eml(['From: a@example.com', 'To: support@support.example', 'Subject: x', '', 'hello']);
    const a = await first(raw);
    const b = await first(raw.slice());
    expect(a.providerMessageId).toMatch(/^<[0-9a-f]{64}@switchboard\.invalid>$/);
    expect(b.providerMessageId).toBe(a.providerMessageId);
    const other = await first(eml(['From: a@example.com', 'To: support@support.example', 'Subject: x', '', 'hello!']));
    expect(other.providerMessageId).not.toBe(a.providerMessageId);
  });

  it('falls back to now() for missing, invalid, ancient or future dates', async () => {
    for (const date of [undefined, 'not a date', 'Mon, 1 Jan 1973 00:00:00 +0000', 'Mon, 1 Jan 2091 00:00:00 +0000']) {
      const lines = ['From: a@example.com', 'Message-ID: <d@example.com>', ...(date ? [`Date: ${date}`] : []), '', 'x'];
      expect((await first(eml(lines))).occurredAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    }
  });

  it('normalizes References however they are written and orders candidates newest first', async () => {
    const m = await first(
      eml([
        'From: a@example.com',
        'Message-ID: <self@example.com>',
        'In-Reply-To: <p3@example.com> (Ada\'s message)',
        'References: <p1@example.com>,<p2@example.com>',
        '  <p3@example.com> <self@example.com>',
        '',
        'x',
      ]),
    );
    expect(m.threadCandidates).toEqual(['<p3@example.com>', '<p2@example.com>', '<p1@example.com>']);
  });

  it('finds the reply token in Delivered-To / X-Original-To when To is a list or alias', async () => {
    const m = await first(
      eml([
        'From: a@example.com',
        'To: team@customer.example',
        'Delivered-To: Support+Tok_9-x@Support.Example',
        'Message-ID: <t@example.com>',
        '',
        'x',
      ]),
    );
    expect(m.conversationToken).toBe('Tok_9-x');
    const other = await first(
      eml(['From: a@example.com', 'To: support+tok@elsewhere.example, sales+tok@support.example', '', 'x']),
    );
    expect(other.conversationToken).toBeUndefined();
  });
});

describe('parseEmail: displayed text', () => {
  it('derives text from html-only mail, then strips the quoted history', async () => {
    const html =
      '<div dir="ltr">Yes, Tuesday works.<br><br>Ada</div><br><div class="gmail_quote"><div class="gmail_attr">' +
      'On Mon, May 13, 2024 at 10:05 AM Acme Support &lt;support@support.example&gt; wrote:<br></div>' +
      '<blockquote class="gmail_quote">Does Tuesday work for you?</blockquote></div>';
    const m = await first(eml(['From: ada@example.com', 'Message-ID: <h@example.com>', 'Content-Type: text/html; charset=utf-8', '', html]));
    expect(m.text).toBe('Yes, Tuesday works.\n\nAda');
    expect((m.metadata.email as { fullText: string }).fullText).toContain('Does Tuesday work for you?');
    expect(m.html).toBe(html);
  });

  it('cuts Outlook "From: / Sent:" history blocks', async () => {
    const text = ['Approved.', '', 'From: Acme Support <support@support.example>', 'Sent: Monday, May 13, 2024 12:01 PM', 'To: Ada', '', 'Please approve.'];
    const m = await first(eml(['From: ada@example.com', 'Message-ID: <o@example.com>', '', ...text]));
    expect(m.text).toBe('Approved.');
  });
});

describe('parseEmail: attachments', () => {
  it('inlines bytes, keeps cid for inline images and leaves cid: links in the html', async () => {
    const m = await first(withAttachments(1000));
    expect(m.html).toContain('src="cid:shot1@example.com"');
    expect(m.attachments.map((a) => [a.name, a.contentType, a.size, a.contentId])).toEqual([
      ['shot.png', 'image/png', TEST_PNG.length, 'shot1@example.com'],
      ['invoice.pdf', 'application/pdf', 1000, undefined],
    ]);
    expect(Buffer.from(m.attachments[0]?.content ?? []).equals(TEST_PNG)).toBe(true);
  });

  it('records attachments above maxAttachmentBytes by name, type and size without their bytes, and lists them', async () => {
    const small = emailTestContext({ settings: { maxAttachmentBytes: 500 } });
    const m = await first(withAttachments(1000), small);
    expect(m.attachments.map((a) => [a.name, a.content !== undefined, a.error])).toEqual([
      ['shot.png', true, undefined],
      ['invoice.pdf', false, 'too_large: 1000 bytes, over the limit of 500 bytes'],
    ]);
    expect((m.metadata.email as Record<string, unknown>).droppedAttachments).toEqual([
      { name: 'invoice.pdf', contentType: 'application/pdf', size: 1000 },
    ]);
  });
});

describe('parseEmail: charsets', () => {
  it.each([
    ['iso-8859-1.eml', 'René Müller', 'Réclamation commande n° 12', 'Bonjour, la théière est arrivée cassée. Ça arrive ?'],
    ['windows-1252.eml', "Zoe O'Neil", '“Smart” quotes – and €uro', 'It costs 20€ – “too much”…'],
    ['iso-2022-jp.eml', '山田太郎', '注文について', '注文した商品がまだ届きません。'],
    ['koi8-r.eml', 'Иван Петров', 'Вопрос', 'Здравствуйте! Где мой заказ?'],
  ])('%s', async (file, name, subject, text) => {
    const m = await first(readFixture(`charsets/${file}`));
    expect(m.contact.name).toBe(name);
    expect(m.subject).toBe(subject);
    expect(m.text).toBe(text);
  });
});

describe('parseEmail: malformed input', () => {
  it('rejects empty input, text without headers and mail without a usable From', async () => {
    for (const raw of [new Uint8Array(), eml(['just some text', 'no headers here']), eml(['To: support@support.example', '', 'x'])]) {
      const err = await malformedError(raw);
      expect(err.code).toBe('malformed_payload');
      expect(err.transient).toBe(false);
    }
    expect((await malformedError(eml(['From: not an address', '', 'x']))).message).toMatch(/From/);
  });
});
