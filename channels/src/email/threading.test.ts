import { describe, expect, it } from 'vitest';
import { emailTestContext, listFixtures, readFixture, readThreadingCorpus } from './fixtures.ts';
import { parseEmail } from './parse.ts';

const expected = readThreadingCorpus();

/** The parser's view of each mail: what the server threads on. */
const view: Record<string, { candidates?: string[]; token?: string; automated?: boolean; bounce?: string }> = {
  '01-gmail-new.eml': {},
  '02-gmail-reply-to-our-message.eml': {
    candidates: ['<msg_a1@support.example>', '<CAH7kL2pQ1rT9vYx+Order1001@mail.gmail.com>'],
  },
  '03-thunderbird-reply-all-cc.eml': {
    candidates: [
      '<CAH7kL2r8ZbWq3Nf=Reply2@mail.gmail.com>',
      '<msg_a1@support.example>',
      '<CAH7kL2pQ1rT9vYx+Order1001@mail.gmail.com>',
    ],
  },
  '04-outlook-new.eml': {},
  '05-outlook-reply-rewritten-in-reply-to.eml': {
    candidates: [
      '<AM0PR02MB5561C0FFEE0DEADBEEF0@AM0PR02MB5561.eurprd02.prod.outlook.com>',
      '<msg_b1@support.example>',
      '<DB7PR08MB3456A1B2C3D4E5F6A7B8C9D0@DB7PR08MB3456.eurprd08.prod.outlook.com>',
    ],
  },
  '06-apple-mail-new.eml': {},
  '07-thunderbird-reply.eml': { candidates: ['<5E2A9C1B-7D3F-4A8E-B6C2-1F0E9D8C7B6A@okafor.example>'] },
  '08-gmail-forward-new-thread.eml': {},
  '09-outlook-references-only.eml': { candidates: ['<msg_b1@support.example>'] },
  '10-reply-changed-subject.eml': {
    candidates: [
      '<b0e1c2d3-a4f5-4e6d-8c7b-9a0b1c2d3e4f@okafor.example>',
      '<5E2A9C1B-7D3F-4A8E-B6C2-1F0E9D8C7B6A@okafor.example>',
    ],
  },
  '11-same-subject-first.eml': {},
  '12-same-subject-unrelated.eml': {},
  '13-reply-by-token-address-only.eml': { token: 'tok123' },
  '14-out-of-office-in-thread.eml': {
    candidates: ['<msg_a2@support.example>', '<CAH7kL2pQ1rT9vYx+Order1001@mail.gmail.com>'],
    automated: true,
  },
  '15-out-of-office-no-thread.eml': { automated: true },
  '16-dsn-bounce-of-our-message.eml': { bounce: '<msg_b2@support.example>' },
  '17-mailer-daemon-nonstandard-bounce.eml': { bounce: '<msg_c1@support.example>' },
  '18-newsletter-bulk.eml': { automated: true },
  '19-apple-mail-reply-with-cc.eml': {
    candidates: ['<msg_g1@support.example>', '<20240515100500.9876@rossi.example>'],
    token: 'tokG77',
  },
};

const ctx = emailTestContext();
const files = listFixtures('threading');

describe('email threading corpus: the parser view', () => {
  it('has at least 16 mails, each described here and in expected.json', () => {
    expect(files.length).toBeGreaterThanOrEqual(16);
    expect(Object.keys(view).sort()).toEqual(files);
    expect(expected.deliveries.filter((d) => d.file).map((d) => d.file).sort()).toEqual(files);
  });

  it('uses CRLF line endings throughout', () => {
    for (const f of files) {
      const text = Buffer.from(readFixture(`threading/${f}`)).toString('latin1');
      expect(text.replace(/\r\n/g, '').includes('\n'), f).toBe(false);
    }
  });

  it.each(files)('%s', async (file) => {
    const want = view[file] ?? {};
    const parsed = await parseEmail(readFixture(`threading/${file}`), ctx);
    const delivery = expected.deliveries.find((d) => d.file === file);
    if (want.bounce) {
      expect(parsed.messages).toEqual([]);
      expect(parsed.statuses).toHaveLength(1);
      expect(parsed.statuses[0]?.providerMessageId).toBe(want.bounce);
      expect(parsed.statuses[0]?.status).toBe('failed');
      expect(parsed.statuses[0]?.error).toMatch(/5\d\d/);
      expect(delivery?.status?.providerMessageId).toBe(want.bounce);
      return;
    }
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages).toHaveLength(1);
    const m = parsed.messages[0];
    expect(m?.providerMessageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
    expect(m?.threadCandidates).toEqual(want.candidates ?? []);
    expect(m?.conversationToken).toBe(want.token);
    expect(m?.automated).toBe(want.automated);
    expect(m?.text.length).toBeGreaterThan(0);
    expect(m?.text).not.toMatch(/^>/m);
    if (delivery?.participants) {
      expect(m?.participants?.map((p) => p.identities[0]?.address)).toEqual(delivery.participants);
    }
    // Mails that start a conversation carry nothing to thread on.
    if (delivery?.starts) {
      expect(m?.threadCandidates).toEqual([]);
      expect(m?.conversationToken).toBeUndefined();
    }
    // Dropped mails are automated and point at no known thread.
    if (delivery?.conversation === null) expect(m?.automated).toBe(true);
  });

  it('every token in expected.json is one a mail carries', async () => {
    const tokens = new Set<string>();
    for (const f of files) {
      const m = (await parseEmail(readFixture(`threading/${f}`), ctx)).messages[0];
      if (m?.conversationToken) tokens.add(m.conversationToken);
    }
    expect([...tokens].sort()).toEqual(Object.keys(expected.tokens).sort());
  });

  it('strips quoted history and signatures from the displayed text but keeps it in fullText', async () => {
    const m = (await parseEmail(readFixture('threading/03-thunderbird-reply-all-cc.eml'), ctx)).messages[0];
    expect(m?.text).toBe('Same here: my order #1002 came back too. Bob from our office is in Cc.');
    const email = m?.metadata.email as { fullText: string };
    expect(email.fullText).toContain('Chris Wu\nCustomer Example Ltd.');
    expect(email.fullText).toContain('> The tracking number');
    const outlook = (await parseEmail(readFixture('threading/05-outlook-reply-rewritten-in-reply-to.eml'), ctx)).messages[0];
    expect(outlook?.text).toBe('Thanks, but the credit note still shows 12 seats.\n\nCarol');
  });

  it('keeps the forwarded content of a forward', async () => {
    const m = (await parseEmail(readFixture('threading/08-gmail-forward-new-thread.eml'), ctx)).messages[0];
    expect(m?.text).toContain('Your order #1003 ships to: 1 Wrong Street.');
  });

  it('does not treat Outlook X-Auto-Response-Suppress on a human mail as automated', async () => {
    const m = (await parseEmail(readFixture('threading/04-outlook-new.eml'), ctx)).messages[0];
    expect(m?.automated).toBeUndefined();
    expect((m?.metadata.email as { headers: Record<string, string> }).headers['x-auto-response-suppress']).toBe('All');
  });
});
