import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError } from '../contract.ts';
import { hmacSha256Hex } from '../util/hmac.ts';
import { apiAdapter } from './adapter.ts';
import { parseApiInbound } from './parse.ts';
import { apiTestContext, signedApiRequest, TEST_API_SECRET } from './fixtures.ts';
import { SIGNATURE_HEADER, signApiPayload } from './signature.ts';

const validBody = {
  messages: [
    {
      id: 'ext-msg-1',
      contact: { id: 'cust-42', name: 'Ada Lovelace', email: ' Ada@Example.COM ', phone: '+1 (415) 555-2671' },
      threadId: 'ticket-7',
      subject: 'Help with order',
      text: 'Hi, where is my order?',
      timestamp: '2024-05-01T10:00:00+02:00',
      metadata: { orderId: 1234 },
    },
  ],
};

runAdapterContractSuite('api', {
  adapter: apiAdapter,
  context: (o) => apiTestContext(o),
  validRequest: () => signedApiRequest(validBody),
  tamper: (req) => ({ ...req, rawBody: req.rawBody.replace('where is', 'WHERE IS') }),
  unsigned: (req) => {
    const headers = { ...req.headers };
    delete headers[SIGNATURE_HEADER];
    return { ...req, headers };
  },
  malformedRequest: () => signedApiRequest({ messages: [{ id: 'x', contact: {}, text: 'hi' }] }),
  successResponse: { status: 200, body: { id: 'integrator-msg-9' } },
});

const ctx = apiTestContext();
const parse = (body: unknown) => parseApiInbound(signedApiRequest(body), ctx);
const parseError = (body: unknown): ChannelError => {
  try {
    parse(body);
  } catch (err) {
    if (err instanceof ChannelError) return err;
    throw err;
  }
  throw new Error('expected parse to throw');
};

describe('api adapter: signature', () => {
  it('uses sha256=<lower-case hex HMAC-SHA256 of the raw body>', () => {
    const body = '{"messages":[]}';
    const expected = `sha256=${hmacSha256Hex(TEST_API_SECRET, body)}`;
    expect(signApiPayload(TEST_API_SECRET, body)).toBe(expected);
    expect(expected).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('reports a missing signature', () => {
    const req = signedApiRequest(validBody);
    expect(apiAdapter.verify({ ...req, headers: {} }, ctx)).toEqual({ ok: false, reason: 'missing signature' });
  });

  it('rejects wrong secret, wrong format and truncated signatures', async () => {
    const req = signedApiRequest(validBody, { secret: 'another-secret-0123456789' });
    expect((await apiAdapter.verify(req, ctx)).ok).toBe(false);
    const good = signedApiRequest(validBody);
    const sig = good.headers[SIGNATURE_HEADER] ?? '';
    for (const bad of [sig.slice(7), `sha1=${sig.slice(7)}`, sig.slice(0, -2), `${sig}00`, 'sha256=zz']) {
      expect((await apiAdapter.verify({ ...good, headers: { [SIGNATURE_HEADER]: bad } }, ctx)).ok).toBe(false);
    }
  });

  it('accepts an upper-case hex digest and signs multi-byte text as UTF-8', () => {
    const req = signedApiRequest({ ...validBody, note: 'héllo ✓' });
    const upper = (req.headers[SIGNATURE_HEADER] ?? '').replace(/[0-9a-f]{64}$/, (h) => h.toUpperCase());
    expect(apiAdapter.verify({ ...req, headers: { [SIGNATURE_HEADER]: upper } }, ctx)).toEqual({ ok: true });
    const bytes = Buffer.from(req.rawBody, 'utf8');
    expect(req.headers[SIGNATURE_HEADER]).toBe(signApiPayload(TEST_API_SECRET, bytes));
  });
});

describe('api adapter: parse', () => {
  it('maps contact id, email and phone to normalized identities', () => {
    const [m] = parse(validBody).messages;
    expect(m?.contact).toEqual({
      name: 'Ada Lovelace',
      identities: [
        { kind: 'api', address: 'inbox_1:cust-42', verified: true },
        { kind: 'email', address: 'ada@example.com' },
        { kind: 'phone', address: '+14155552671' },
      ],
    });
    expect(m?.providerMessageId).toBe('ext-msg-1');
    expect(m?.threadKey).toBe('ticket-7');
    expect(m?.subject).toBe('Help with order');
    expect(m?.occurredAt.toISOString()).toBe('2024-05-01T08:00:00.000Z');
    expect(m?.metadata).toEqual({ orderId: 1234 });
  });

  it('defaults occurredAt to ctx.now(), keeps html raw and derives text from html', () => {
    const html = '<p>Hello <script>alert(1)</script><b>there</b> &amp; bye</p>';
    const [m] = parse({ messages: [{ id: 'm2', contact: { email: 'a@b.co' }, html }] }).messages;
    expect(m?.html).toBe(html);
    expect(m?.text).toBe('Hello there & bye');
    expect(m?.occurredAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(m?.threadKey).toBeUndefined();
  });

  it('passes attachments and contact attributes through', () => {
    const attachment = { name: 'a.pdf', contentType: 'application/pdf', url: 'https://cdn.example/a.pdf', size: 10 };
    const body = { messages: [{ id: 'm3', contact: { id: 'c', company: 'ACME', attributes: { plan: 'pro' } }, attachments: [attachment] }] };
    const [m] = parse(body).messages;
    expect(m?.attachments).toEqual([attachment]);
    expect(m?.contact.company).toBe('ACME');
    expect(m?.contact.attributes).toEqual({ plan: 'pro' });
    expect(m?.text).toBe('');
  });

  it('parses delivery statuses', () => {
    const parsed = parse({
      statuses: [
        { id: 'msg_1', status: 'delivered', timestamp: '2024-05-01T10:00:00Z' },
        { id: 'msg_2', status: 'failed', error: 'mailbox full' },
      ],
    });
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses).toEqual([
      { providerMessageId: 'msg_1', status: 'delivered', occurredAt: new Date('2024-05-01T10:00:00Z') },
      { providerMessageId: 'msg_2', status: 'failed', error: 'mailbox full', occurredAt: ctx.now() },
    ]);
  });

  it('rejects invalid JSON and lists field errors', () => {
    expect(parseError('{nope').message).toMatch(/not valid JSON/);
    expect(parseError({}).message).toMatch(/at least one of messages, statuses/);
    expect(parseError({ messages: [] }).code).toBe('malformed_payload');
    const err = parseError({
      messages: [{ id: 'a', contact: { email: 'not-an-email', phone: '12' }, text: 'x', timestamp: 'yesterday' }],
      statuses: [{ id: 'b', status: 'opened' }],
    });
    expect(err.message).toContain('messages.0.contact.email: invalid email address');
    expect(err.message).toContain('messages.0.contact.phone: invalid phone number');
    expect(err.message).toContain('messages.0.timestamp');
    expect(err.message).toContain('statuses.0.status');
  });

  it('requires some content and a non-empty, bounded id', () => {
    expect(parseError({ messages: [{ id: 'a', contact: { id: 'c' }, text: '  ' }] }).message).toContain(
      'at least one of text, html, attachments',
    );
    expect(parseError({ messages: [{ id: '', contact: { id: 'c' }, text: 'x' }] }).message).toContain('messages.0.id');
    expect(parseError({ messages: [{ id: 'x'.repeat(256), contact: { id: 'c' }, text: 'x' }] }).code).toBe('malformed_payload');
  });
});
