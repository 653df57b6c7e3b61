import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../contract.ts';
import { startFake, type HttpFake } from '../testing/http-fake.ts';
import { channelErrorOf, sampleOutboundMessage } from '../testing/fixtures.ts';
import { apiAdapter, createApiAdapter } from './adapter.ts';
import { apiTestContext, TEST_API_SECRET } from './fixtures.ts';
import type { ApiWebhookBody } from './send.ts';
import { verifyApiSignature } from './signature.ts';

let fake: HttpFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const message: OutboundMessage = sampleOutboundMessage({
  contact: {
    id: 'contact_1',
    name: 'Ada',
    identities: [
      { kind: 'api', address: 'inbox_1:cust-42', verified: true },
      { kind: 'email', address: 'ada@example.com' },
    ],
  },
  inReplyTo: { providerMessageId: 'ext-msg-1' },
});

async function fakeContext(path = '/hooks/switchboard') {
  fake = await startFake();
  return apiTestContext({ credentials: { webhookUrl: `${fake.url}${path}` } });
}

describe('api adapter: send', () => {
  it('POSTs a signed message.created event the receiver can verify', async () => {
    const ctx = await fakeContext();
    fake?.respondWith(200, { id: 'integrator-99' });
    const result = await apiAdapter.send(message, ctx);
    expect(result).toEqual({ providerMessageId: 'integrator-99', status: 'sent', metadata: { httpStatus: 200 } });

    const [req] = fake?.requests ?? [];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/hooks/switchboard');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-switchboard-event']).toBe('message.created');
    expect(req?.headers['x-switchboard-delivery']).toBe(message.id);
    expect(verifyApiSignature(TEST_API_SECRET, req?.body ?? '', req?.headers['x-switchboard-signature'])).toEqual({
      ok: true,
    });
    const body = JSON.parse(req?.body ?? '') as ApiWebhookBody;
    expect(body).toEqual({
      event: 'message.created',
      message: {
        id: message.id,
        conversation: { id: 'conv_1', number: 42, threadId: 'thread-1', subject: 'Order #1234' },
        contact: { id: 'contact_1', externalId: 'cust-42', name: 'Ada', identities: message.contact.identities },
        text: message.text,
        html: message.html,
        author: message.author,
        attachments: [],
        inReplyTo: 'ext-msg-1',
        createdAt: '2025-01-01T00:00:00.000Z',
      },
    });
  });

  it("sends the agent's files base64-encoded (contentBase64), byte for byte", async () => {
    const ctx = await fakeContext();
    fake?.respondWith(200, '{}');
    const bytes = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
    // A view into a larger buffer: only its own bytes are sent.
    const view = new Uint8Array([9, 9, ...bytes, 9]).subarray(2, 2 + bytes.length);
    const attachments = [
      { name: 'dump.bin', contentType: 'application/octet-stream', size: 7, content: view },
      { name: 'remote.pdf', contentType: 'application/pdf', size: 10, url: 'https://files.example/remote.pdf' },
    ];
    await apiAdapter.send({ ...message, attachments }, ctx);
    const body = JSON.parse(fake?.requests[0]?.body ?? '') as ApiWebhookBody;
    expect(body.message.attachments).toEqual([
      { name: 'dump.bin', contentType: 'application/octet-stream', size: 7, contentBase64: 'AAECf4D+/w==' },
      { name: 'remote.pdf', contentType: 'application/pdf', size: 10, url: 'https://files.example/remote.pdf' },
    ]);
    expect(new Uint8Array(Buffer.from(body.message.attachments[0]!.contentBase64!, 'base64'))).toEqual(bytes);
  });

  it('falls back to our message id when the response has no string id', async () => {
    const ctx = await fakeContext();
    for (const body of ['', 'OK', '{"id":123}', '[]']) {
      fake?.respondWith(202, body);
      expect((await apiAdapter.send(message, ctx)).providerMessageId).toBe(message.id);
    }
  });

  it('keeps the delivery id stable across retries', async () => {
    const ctx = await fakeContext();
    fake?.respondWith(500, 'boom');
    await channelErrorOf(apiAdapter.send(message, ctx));
    fake?.respondWith(200, '{}');
    await apiAdapter.send(message, ctx);
    const ids = fake?.requests.map((r) => r.headers['x-switchboard-delivery']);
    expect(ids).toEqual([message.id, message.id]);
  });

  it.each([408, 429, 500, 502, 503])('treats %i as transient', async (status) => {
    const ctx = await fakeContext();
    fake?.respondWith(status, 'try later');
    const err = await channelErrorOf(apiAdapter.send(message, ctx));
    expect(err.transient).toBe(true);
    expect(err.providerStatus).toBe(status);
  });

  it.each([400, 401, 404, 410, 422])('treats %i as permanent and includes the truncated body', async (status) => {
    const ctx = await fakeContext();
    fake?.respondWith(status, `{"error":"${'x'.repeat(2000)}"}`);
    const err = await channelErrorOf(apiAdapter.send(message, ctx));
    expect(err.transient).toBe(false);
    expect(err.providerStatus).toBe(status);
    expect(err.message).toContain('{"error":"xxx');
    expect(err.message.length).toBeLessThan(600);
  });

  it('does not follow redirects', async () => {
    const ctx = await fakeContext();
    fake?.respondWith(302, '', { headers: { location: 'https://elsewhere.example/' } });
    const err = await channelErrorOf(apiAdapter.send(message, ctx));
    expect(err.transient).toBe(false);
    expect(err.message).toContain('redirect');
  });

  it('times out slow webhooks with a transient error', async () => {
    const ctx = await fakeContext();
    fake?.respondWith(200, '{}', { delayMs: 2_000 });
    const err = await channelErrorOf(createApiAdapter({ timeoutMs: 100 }).send(message, ctx));
    expect(err.code).toBe('timeout');
    expect(err.transient).toBe(true);
  });

  it('fails permanently with not_configured when no webhookUrl is set', async () => {
    const ctx = apiTestContext({ credentials: { webhookUrl: undefined } });
    const err = await channelErrorOf(apiAdapter.send(message, ctx));
    expect(err.code).toBe('not_configured');
    expect(err.transient).toBe(false);
  });
});

describe('api adapter: credentials', () => {
  const schema = apiAdapter.credentialsSchema;
  it('requires a 16+ char secret and an http(s) webhook URL', () => {
    expect(schema.safeParse({ secret: 'short' }).success).toBe(false);
    expect(schema.safeParse({ secret: TEST_API_SECRET, webhookUrl: 'ftp://x.example' }).success).toBe(false);
    expect(schema.parse({ secret: TEST_API_SECRET, webhookUrl: 'https://x.example/h' }).webhookUrl).toBe(
      'https://x.example/h',
    );
    expect(schema.parse({ secret: TEST_API_SECRET, webhookUrl: '' }).webhookUrl).toBeUndefined();
  });
});
