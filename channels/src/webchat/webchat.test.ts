import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { webchatAdapter } from './adapter.ts';
import { TEST_NOW, TEST_WEBCHAT_SECRET, testVisitor, webchatTestContext, widgetRequest } from './fixtures.ts';
import { userAddress, visitorAddress } from './identity.ts';
import { VISITOR_HEADER } from './parse.ts';
import { webchatCredentialsSchema, webchatSettingsSchema } from './schema.ts';
import {
  fileSignature,
  identityHash,
  issueVisitorToken,
  readUploadReceipt,
  readVisitorToken,
  signUploadReceipt,
  verifyFileSignature,
  verifyIdentityHash,
  VISITOR_TOKEN_MAX_AGE_SECONDS,
} from './tokens.ts';

const ctx = webchatTestContext();
const visitorMessage = { messages: [{ id: 'clientmsg-001', text: 'Hello, is anyone there?', pageUrl: 'https://shop.example/pricing' }] };
const reachable = () =>
  sampleOutboundMessage({
    contact: { id: 'c1', name: 'Ada', identities: [{ kind: 'webchat', address: visitorAddress('inbox_w', 'v_0123456789'), verified: true }] },
  });

runAdapterContractSuite('webchat', {
  adapter: webchatAdapter,
  context: (o) => webchatTestContext(o),
  validRequest: () => widgetRequest(visitorMessage),
  tamper: (req) => {
    // The signed part is the visitor token: claim to be somebody else, keep the signature.
    const token = req.headers[VISITOR_HEADER] ?? '';
    const [payload, sig] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, u: 'ceo@shop.example' })).toString('base64url');
    return { ...req, headers: { ...req.headers, [VISITOR_HEADER]: `${forged}.${sig}` } };
  },
  unsigned: (req) => {
    const headers = { ...req.headers };
    delete headers[VISITOR_HEADER];
    return { ...req, headers };
  },
  malformedRequest: () => widgetRequest({ messages: [{ id: 'clientmsg-002', text: '   ' }] }),
  outboundMessage: reachable,
  delivery: { kind: 'local', unreachable: () => sampleOutboundMessage() },
});

describe('webchat: visitor tokens', () => {
  it('round-trips every claim and binds the token to its inbox', () => {
    const claims = testVisitor({ userId: 'u-42', email: 'ada@example.com', name: 'Ada', claimedEmail: 'ada@home.example' });
    const token = issueVisitorToken(TEST_WEBCHAT_SECRET, claims);
    expect(readVisitorToken(TEST_WEBCHAT_SECRET, token, 'inbox_w', TEST_NOW)).toEqual(claims);
    expect(readVisitorToken(TEST_WEBCHAT_SECRET, token, 'another_inbox', TEST_NOW)).toBeNull();
    expect(readVisitorToken('another-secret-0123456789abcdef0123', token, 'inbox_w', TEST_NOW)).toBeNull();
  });

  it('refuses expired, future, truncated and non-string tokens', () => {
    const token = issueVisitorToken(TEST_WEBCHAT_SECRET, testVisitor());
    const later = new Date(TEST_NOW.getTime() + (VISITOR_TOKEN_MAX_AGE_SECONDS + 1) * 1000);
    expect(readVisitorToken(TEST_WEBCHAT_SECRET, token, 'inbox_w', later)).toBeNull();
    const future = issueVisitorToken(TEST_WEBCHAT_SECRET, testVisitor({ issuedAt: TEST_NOW.getTime() / 1000 + 3600 }));
    expect(readVisitorToken(TEST_WEBCHAT_SECRET, future, 'inbox_w', TEST_NOW)).toBeNull();
    for (const bad of [token.slice(0, -3), token.split('.')[0], '', '.', 42, null, `${token}x`]) {
      expect(readVisitorToken(TEST_WEBCHAT_SECRET, bad, 'inbox_w', TEST_NOW)).toBeNull();
    }
  });

  it('keeps purposes apart: an upload receipt or a file signature is no visitor token', () => {
    const receipt = signUploadReceipt(TEST_WEBCHAT_SECRET, { key: 'k', name: 'a.png', contentType: 'image/png', size: 3, visitorId: 'v_0123456789', expiresAt: 2e9 });
    expect(readVisitorToken(TEST_WEBCHAT_SECRET, receipt, 'inbox_w', TEST_NOW)).toBeNull();
    const visitorToken = issueVisitorToken(TEST_WEBCHAT_SECRET, testVisitor());
    expect(readUploadReceipt(TEST_WEBCHAT_SECRET, visitorToken, 'v_0123456789', TEST_NOW)).toBeNull();
  });

  it('upload receipts belong to their visitor and expire', () => {
    const r = { key: 'ws/2025/01/abc', name: 'a.png', contentType: 'image/png', size: 3, visitorId: 'v_0123456789', expiresAt: TEST_NOW.getTime() / 1000 + 60 };
    const token = signUploadReceipt(TEST_WEBCHAT_SECRET, r);
    expect(readUploadReceipt(TEST_WEBCHAT_SECRET, token, 'v_0123456789', TEST_NOW)).toEqual(r);
    expect(readUploadReceipt(TEST_WEBCHAT_SECRET, token, 'v_somebodyelse', TEST_NOW)).toBeNull();
    expect(readUploadReceipt(TEST_WEBCHAT_SECRET, token, 'v_0123456789', new Date(TEST_NOW.getTime() + 61_000))).toBeNull();
  });

  it('signs download links per attachment', () => {
    const sig = fileSignature(TEST_WEBCHAT_SECRET, 'att-1');
    expect(verifyFileSignature(TEST_WEBCHAT_SECRET, 'att-1', sig)).toBe(true);
    expect(verifyFileSignature(TEST_WEBCHAT_SECRET, 'att-2', sig)).toBe(false);
    expect(verifyFileSignature(TEST_WEBCHAT_SECRET, 'att-1', undefined)).toBe(false);
  });
});

describe('webchat: identity verification hash', () => {
  it('is the plain hex HMAC-SHA256 of the value (the RFC 4231-style vector a backend can check against)', () => {
    // Wikipedia's HMAC example: key "key", message "The quick brown fox jumps over the lazy dog".
    expect(identityHash('key', 'The quick brown fox jumps over the lazy dog')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  it('accepts the right hash in any case and refuses forged or malformed ones', () => {
    const hash = identityHash(TEST_WEBCHAT_SECRET, 'u-42');
    expect(verifyIdentityHash(TEST_WEBCHAT_SECRET, 'u-42', hash)).toBe(true);
    expect(verifyIdentityHash(TEST_WEBCHAT_SECRET, 'u-42', hash.toUpperCase())).toBe(true);
    expect(verifyIdentityHash(TEST_WEBCHAT_SECRET, 'u-43', hash)).toBe(false);
    expect(verifyIdentityHash('another-secret-0123456789abcdef0123', 'u-42', hash)).toBe(false);
    for (const bad of ['', hash.slice(2), 'zz'.repeat(32), 42, undefined]) expect(verifyIdentityHash(TEST_WEBCHAT_SECRET, 'u-42', bad)).toBe(false);
    expect(verifyIdentityHash(TEST_WEBCHAT_SECRET, '', identityHash(TEST_WEBCHAT_SECRET, ''))).toBe(false);
  });
});

describe('webchat: parse', () => {
  const parse = (body: Parameters<typeof widgetRequest>[0], visitor = testVisitor()) => webchatAdapter.parse(widgetRequest(body, visitor), ctx);
  const parseError = async (body: Parameters<typeof widgetRequest>[0]) => {
    try {
      await parse(body);
    } catch (err) {
      if (err instanceof ChannelError) return err;
      throw err;
    }
    throw new Error('expected parse to throw');
  };

  it('takes identities from the signed token, strongest first; a typed email is an unverified claim', async () => {
    const visitor = testVisitor({ userId: 'u-42', email: 'ada@example.com', name: 'Ada', claimedEmail: 'ada@home.example' });
    const [m] = (await parse(visitorMessage, visitor)).messages;
    expect(m?.contact).toEqual({
      name: 'Ada',
      identities: [
        { kind: 'webchat', address: userAddress('inbox_w', 'u-42'), verified: true },
        { kind: 'email', address: 'ada@example.com', verified: true },
        { kind: 'webchat', address: visitorAddress('inbox_w', 'v_0123456789'), verified: true },
        { kind: 'email', address: 'ada@home.example', verified: false },
      ],
    });
    const [anonymous] = (await parse(visitorMessage, testVisitor({ claimedEmail: 'bob@example.com' }))).messages;
    expect(anonymous?.contact.identities).toEqual([
      { kind: 'webchat', address: visitorAddress('inbox_w', 'v_0123456789'), verified: true },
      { kind: 'email', address: 'bob@example.com', verified: false },
    ]);
  });

  it('scopes the provider id by visitor (a resend of the same client id is a duplicate) and keeps the page', async () => {
    const [m] = (await parse(visitorMessage)).messages;
    expect(m?.providerMessageId).toBe('v_0123456789:clientmsg-001');
    expect(m?.text).toBe('Hello, is anyone there?');
    expect(m?.occurredAt).toEqual(TEST_NOW);
    expect(m?.threadKey).toBeUndefined();
    expect(m?.metadata).toEqual({ webchat: { clientId: 'clientmsg-001', visitorId: 'v_0123456789', pageUrl: 'https://shop.example/pricing' } });
  });

  it('decodes attached files', async () => {
    const [m] = (await parse({ messages: [{ id: 'clientmsg-003', attachments: [{ name: 'a.txt', contentType: 'text/plain', contentBase64: Buffer.from('hi!').toString('base64') }] }] })).messages;
    expect(m?.text).toBe('');
    expect(m?.attachments).toEqual([{ name: 'a.txt', contentType: 'text/plain', size: 3, content: new Uint8Array(Buffer.from('hi!')) }]);
  });

  it('refuses bad JSON, bad ids, empty and over-long messages', async () => {
    expect((await parseError('{nope')).message).toMatch(/not valid JSON/);
    expect((await parseError({ messages: [{ id: 'short', text: 'x' }] })).message).toContain('messages.0.id');
    expect((await parseError({ messages: [] })).code).toBe('malformed_payload');
    expect((await parseError({ messages: [{ id: 'clientmsg-004', text: '' }] })).message).toContain('needs text or attachments');
    expect((await parseError({ messages: [{ id: 'clientmsg-005', text: 'x'.repeat(5001) }] })).message).toContain('longer than 5000');
  });
});

describe('webchat: schemas', () => {
  it('generates a secret when none is given and keeps a given one', () => {
    const a = webchatCredentialsSchema.parse({});
    const b = webchatCredentialsSchema.parse({});
    expect(a.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(a.secret).not.toBe(b.secret);
    expect(webchatCredentialsSchema.parse({ secret: TEST_WEBCHAT_SECRET }).secret).toBe(TEST_WEBCHAT_SECRET);
    expect(webchatCredentialsSchema.safeParse({ secret: 'short' }).success).toBe(false);
  });

  it('fills defaults and normalizes allowed origins', () => {
    const s = webchatSettingsSchema.parse({ allowedOrigins: ['HTTPS://Shop.Example/', 'https://*.shop.example', 'http://localhost:8080'] });
    expect(s.allowedOrigins).toEqual(['https://shop.example', 'https://*.shop.example', 'http://localhost:8080']);
    expect(s.preChatForm).toEqual({ enabled: false, name: 'optional', email: 'required' });
    expect(s.attachments.types).toContain('image/*');
    expect(s.continuity).toEqual({ emailInboxId: null, afterSeconds: 120 });
    for (const bad of ['shop.example', 'https://shop.example/path', 'ftp://shop.example', 'https://*']) {
      expect(webchatSettingsSchema.safeParse({ allowedOrigins: [bad] }).success).toBe(false);
    }
    expect(webchatSettingsSchema.safeParse({ attachments: { types: ['not a type'] } }).success).toBe(false);
  });
});
