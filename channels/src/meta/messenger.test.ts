import { afterEach, describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError, type InboundRequest } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { startMetaFake, type MetaFake } from '../testing/meta-fake.ts';
import { metaFakeEachTest } from './fake-each-test.ts';
import { messagingEvents as ev, messagingWebhook, messengerTestContext, metaJson, metaVerificationRequest, signedMetaRequest, TEST_META } from './fixtures.ts';
import { messengerAdapter } from './messenger.ts';
import { META_SIGNATURE_HEADER } from './signature.ts';

const PAGE = TEST_META.pageId;
const PSID = '6789012345678901';
const AT = new Date('2025-03-01T12:00:00.000Z');
const contact = { id: 'contact_1', name: 'Ana', identities: [{ kind: 'messenger' as const, address: `${PAGE}:${PSID}`, verified: true }] };
const outbound = (o: Partial<Parameters<typeof sampleOutboundMessage>[0]> = {}) => sampleOutboundMessage({ contact, html: null, ...o });

const textBody = (text = 'Hallo! Wo ist mein Paket? 📦') => messagingWebhook('page', PAGE, [ev.text(PAGE, PSID, 'm_in_1', text, AT)]);
const ctx = messengerTestContext();
const parse = (body: unknown) => messengerAdapter.parse(signedMetaRequest(body), ctx);

runAdapterContractSuite('messenger', {
  adapter: messengerAdapter,
  context: (o) => messengerTestContext(o),
  validRequest: () => signedMetaRequest(textBody()),
  tamper: (req) => ({ ...req, rawBody: req.rawBody.replace('Hallo', 'HALLO') }),
  unsigned: (req) => ({ ...req, headers: { 'content-type': 'application/json' } }),
  malformedRequest: () => signedMetaRequest({ object: 'page', entry: [{ id: PAGE, messaging: [{ sender: {}, timestamp: 'yesterday' }] }] }),
  outboundMessage: () => outbound(),
  successResponse: { status: 200, body: { recipient_id: PSID, message_id: 'm_out_1' } },
});

describe('messenger adapter: webhook verification', () => {
  it('answers the subscription check with the challenge, and 403 for a wrong token', () => {
    expect(messengerAdapter.handshake?.(metaVerificationRequest(TEST_META.verifyToken, 'ch-42'), ctx)).toEqual({ status: 200, body: 'ch-42', contentType: 'text/plain' });
    expect(messengerAdapter.handshake?.(metaVerificationRequest('wrong-token-123'), ctx)?.status).toBe(403);
    expect(messengerAdapter.handshake?.(metaVerificationRequest(''), ctx)?.status).toBe(403);
    expect(messengerAdapter.handshake?.(signedMetaRequest(textBody()), ctx)).toBeNull();
  });

  it('signs the raw bytes Meta sent: escaped non-ASCII verifies, the re-serialized JSON does not', () => {
    const req = signedMetaRequest(textBody());
    expect(req.rawBody).toContain('\\ud83d\\udce6'); // 📦 as Meta escapes it
    expect(req.rawBody).not.toContain('📦');
    expect(messengerAdapter.verify(req, ctx)).toEqual({ ok: true });
    const reserialized: InboundRequest = { ...req, rawBody: JSON.stringify(JSON.parse(req.rawBody)) };
    expect(messengerAdapter.verify(reserialized, ctx)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('rejects missing, malformed, wrong-secret and truncated signatures', async () => {
    const good = signedMetaRequest(textBody());
    const sig = good.headers[META_SIGNATURE_HEADER] ?? '';
    expect(messengerAdapter.verify({ ...good, headers: {} }, ctx)).toEqual({ ok: false, reason: 'missing X-Hub-Signature-256' });
    for (const bad of [sig.slice(7), `sha1=${sig.slice(7)}`, sig.slice(0, -2), `${sig}0`, 'sha256=']) {
      expect((await messengerAdapter.verify({ ...good, headers: { [META_SIGNATURE_HEADER]: bad } }, ctx)).ok).toBe(false);
    }
    expect((await messengerAdapter.verify(signedMetaRequest(textBody(), { appSecret: 'another-app-secret' }), ctx)).ok).toBe(false);
  });
});

describe('messenger adapter: parse', () => {
  it('maps a text message to a page-scoped, verified identity', async () => {
    const { messages, statuses } = await parse(textBody());
    expect(statuses).toEqual([]);
    expect(messages).toEqual([
      {
        providerMessageId: 'm_in_1',
        contact: { identities: [{ kind: 'messenger', address: `${PAGE}:${PSID}`, verified: true }] },
        text: 'Hallo! Wo ist mein Paket? 📦',
        attachments: [],
        occurredAt: AT,
        metadata: {},
      },
    ]);
  });

  it('keeps every message of a batch, skips other pages, and keeps replies and quick replies as metadata', async () => {
    const body = messagingWebhook('page', PAGE, [
      ev.text(PAGE, PSID, 'm_1', 'first', AT),
      ev.text(PAGE, PSID, 'm_2', 'second', AT, { reply_to: { mid: 'm_out_9' }, quick_reply: { payload: 'YES' } }),
    ]);
    body.entry.push({ id: '999', time: 0, messaging: [ev.text('999', PSID, 'm_other', 'for another page', AT)] });
    const { messages } = await parse(body);
    expect(messages.map((m) => m.providerMessageId)).toEqual(['m_1', 'm_2']);
    expect(messages[1]?.metadata).toEqual({ replyTo: { providerMessageId: 'm_out_9' }, quickReply: { payload: 'YES' } });
  });

  it('offers files by URL, names them from the CDN path, and writes links and locations as text', async () => {
    const url = 'https://scontent.xx.fbcdn.net/v/t1.15752-9/123456_n.png?_nc_cat=1&oh=abc';
    const body = messagingWebhook('page', PAGE, [
      ev.attachment(PAGE, PSID, 'm_f', [
        { type: 'image', payload: { url } },
        { type: 'file', payload: { url: 'https://cdn.fbsbx.com/v/t59/Rechnung%20M%C3%A4rz.pdf?dl=1' } },
        { type: 'video', payload: { url: 'https://video.xx.fbcdn.net/v/abc?x=1' } },
        { type: 'image', payload: { url: 'https://scontent.xx.fbcdn.net/v/sticker.png', sticker_id: 369239263222822 } },
        { type: 'fallback', title: 'Our shop', payload: { url: 'https://shop.example/p/1' } },
      ]),
    ]);
    const [m] = (await parse(body)).messages;
    expect(m?.attachments).toEqual([
      { name: '123456_n.png', contentType: 'image/png', url },
      { name: 'Rechnung März.pdf', contentType: 'application/pdf', url: 'https://cdn.fbsbx.com/v/t59/Rechnung%20M%C3%A4rz.pdf?dl=1' },
      { name: 'video-3', contentType: 'video/mp4', url: 'https://video.xx.fbcdn.net/v/abc?x=1' },
      { name: 'sticker.png', contentType: 'image/png', url: 'https://scontent.xx.fbcdn.net/v/sticker.png' },
    ]);
    expect(m?.text).toBe('[fallback] Our shop https://shop.example/p/1');
    // Meta escapes the slashes of URLs (`https:\/\/…`): parsing restores them.
    expect(signedMetaRequest(body).rawBody).toContain('https:\\/\\/scontent');
  });

  it('stores a reaction as a small message naming the reacted message', async () => {
    const body = messagingWebhook('page', PAGE, [ev.reaction(PAGE, PSID, 'm_out_1', '❤', 'react', AT), ev.reaction(PAGE, PSID, 'm_out_1', '❤', 'unreact', new Date(AT.getTime() + 1000))]);
    const { messages } = await parse(body);
    expect(messages.map((m) => [m.text, m.metadata])).toEqual([
      ['Reacted ❤ to a message', { reaction: { emoji: '❤', action: 'react', providerMessageId: 'm_out_1' } }],
      ['Removed the reaction ❤', { reaction: { emoji: '❤', action: 'unreact', providerMessageId: 'm_out_1' } }],
    ]);
    expect(new Set(messages.map((m) => m.providerMessageId)).size).toBe(2);
  });

  it('turns echoes of the page into a sent status, never an inbound message', async () => {
    const { messages, statuses } = await parse(messagingWebhook('page', PAGE, [ev.echo(PAGE, PSID, 'm_out_1', 'Our answer', AT)]));
    expect(messages).toEqual([]);
    expect(statuses).toEqual([{ providerMessageId: 'm_out_1', status: 'sent', occurredAt: AT }]);
  });

  it('maps delivery and read receipts to statuses and watermarks', async () => {
    const watermark = new Date('2025-03-01T11:59:00.000Z');
    const parsed = await parse(messagingWebhook('page', PAGE, [ev.delivery(PAGE, PSID, ['m_out_1', 'm_out_2'], watermark, AT), ev.read(PAGE, PSID, watermark, AT)]));
    const identity = { kind: 'messenger', address: `${PAGE}:${PSID}`, verified: true };
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses).toEqual([
      { providerMessageId: 'm_out_1', status: 'delivered', occurredAt: AT },
      { providerMessageId: 'm_out_2', status: 'delivered', occurredAt: AT },
    ]);
    expect(parsed.watermarks).toEqual([
      { identity, status: 'delivered', upTo: watermark },
      { identity, status: 'read', upTo: watermark },
    ]);
  });

  it('refuses invalid JSON, a non-Meta body and another product\'s object with malformed_payload', async () => {
    const errorOf = async (raw: string) => {
      try {
        await messengerAdapter.parse(signedMetaRequest(raw), ctx);
      } catch (err) {
        return err as ChannelError;
      }
      throw new Error('expected parse to fail');
    };
    expect((await errorOf('{"object":')).message).toMatch(/not valid JSON/);
    expect((await errorOf('{"hello":"world"}')).code).toBe('malformed_payload');
    expect((await errorOf(metaJson({ object: 'instagram', entry: [] }))).message).toMatch(/receives "page" webhooks, not "instagram"/);
    expect((await errorOf(metaJson({ object: 'page', entry: [{ id: PAGE, messaging: [{ sender: { id: PSID }, recipient: { id: PAGE }, timestamp: 1, message: { text: 'no mid' } }] }] }))).message).toMatch(/mid/);
  });
});

describe('messenger adapter: send through the Graph API', () => {
  const meta = metaFakeEachTest();
  const start = async () => messengerTestContext({ settings: { graphBaseUrl: (await meta.start()).url } });
  const failure = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    if (!(err instanceof ChannelError)) throw new Error(`expected a ChannelError, got ${String(err)}`);
    return err;
  };

  it('posts text to /{version}/me/messages with the bearer token and a RESPONSE type', async () => {
    const c = await start();
    const result = await messengerAdapter.send(outbound({ text: 'Ist unterwegs! 🚚' }), c);
    const [send] = meta.current.sends;
    expect(result).toEqual({ providerMessageId: send?.id, status: 'sent' });
    expect(send?.body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Ist unterwegs! 🚚' } });
    const request = meta.current.requests[0];
    expect(request?.path).toBe('/v25.0/me/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${TEST_META.accessToken}`);
  });

  it('splits long text and uploads files before sending them by attachment id', async () => {
    const c = await start();
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const result = await messengerAdapter.send(outbound({ text: 'a '.repeat(1500), attachments: [{ name: 'photo.png', contentType: 'image/png', size: png.length, content: png }] }), c);
    expect(meta.current.uploads).toHaveLength(1);
    const upload = meta.current.uploads[0]!;
    expect(upload.endpoint).toBe('message-attachments');
    expect(JSON.parse(upload.fields.message ?? '')).toEqual({ attachment: { type: 'image', payload: { is_reusable: false } } });
    expect([upload.file.name, upload.file.type, [...upload.file.bytes]]).toEqual(['photo.png', 'image/png', [...png]]);
    expect(meta.current.sends.map((s) => s.body.message.text?.length ?? 'file')).toEqual([expect.any(Number), expect.any(Number), 'file']);
    expect(meta.current.sends.every((s) => (s.body.message.text?.length ?? 0) <= 2000)).toBe(true);
    expect(meta.current.sends[2]?.body.message).toEqual({ attachment: { type: 'image', payload: { attachment_id: upload.id } } });
    expect(result.metadata).toEqual({ providerMessageIds: meta.current.sends.map((s) => s.id) });
  });

  it('classifies Meta errors: 5xx and throttling retry, refusals fail with Meta\'s message', async () => {
    const c = await start();
    meta.current.failNext(500);
    expect((await failure(messengerAdapter.send(outbound(), c))).transient).toBe(true);
    meta.current.failNext(400, { message: '(#4) Application request limit reached', code: 4 });
    const throttled = await failure(messengerAdapter.send(outbound(), c));
    expect([throttled.code, throttled.transient, throttled.providerStatus]).toEqual(['rate_limited', true, 400]);
    meta.current.failNext(400, { message: '(#10) This message is sent outside of allowed window.', code: 10, error_subcode: 2018278 });
    const late = await failure(messengerAdapter.send(outbound(), c));
    expect([late.code, late.transient]).toEqual(['outside_reply_window', false]);
    expect(late.message).toMatch(/^Meta responded 400: \(#10\) This message is sent outside of allowed window\. \[code 10\/2018278; fbtrace_id A/);
    meta.current.failNext(400, { message: '(#100) No matching user found', code: 100, error_subcode: 2018001 });
    expect((await failure(messengerAdapter.send(outbound(), c))).code).toBe('invalid_recipient');
    meta.current.accessToken = 'rotated';
    const auth = await failure(messengerAdapter.send(outbound(), c));
    expect([auth.code, auth.transient, auth.providerStatus]).toEqual(['unauthorized', false, 401]);
  });

  it('refuses a contact without an identity on this page, and templates', async () => {
    const c = await start();
    const other = { ...contact, identities: [{ kind: 'messenger' as const, address: `555:${PSID}` }] };
    expect((await failure(messengerAdapter.send(outbound({ contact: other }), c))).code).toBe('invalid_recipient');
    expect((await failure(messengerAdapter.send(outbound({ template: { name: 'x', language: 'en' } }), c))).code).toBe('rejected');
    expect(meta.current.requests).toHaveLength(0);
  });
});

describe('messenger adapter: connection test', () => {
  let fake: MetaFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('reads /me: the page itself is ok, another page is not_found, a bad token auth_failed, nobody unreachable', async () => {
    fake = await startMetaFake(TEST_META);
    const test = (o: Parameters<typeof messengerTestContext>[0] = {}) => messengerAdapter.testConnection!(messengerTestContext({ settings: { graphBaseUrl: fake!.url }, ...o }));
    expect(await test()).toEqual({ ok: true, details: { pageId: PAGE, name: 'Acme Support' } });
    expect(await test({ credentials: { pageId: '42' } })).toMatchObject({ ok: false, problem: 'not_found' });
    expect(await test({ credentials: { accessToken: 'nope' } })).toMatchObject({ ok: false, problem: 'auth_failed', message: expect.stringMatching(/Invalid OAuth access token/) });
    const url = fake.url;
    await fake.close();
    fake = undefined;
    expect(await messengerAdapter.testConnection!(messengerTestContext({ settings: { graphBaseUrl: url } }))).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});
