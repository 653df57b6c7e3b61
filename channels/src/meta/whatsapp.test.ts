import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { metaFakeEachTest } from './fake-each-test.ts';
import { metaVerificationRequest, signedMetaRequest, TEST_META, whatsAppEvents as wa, whatsAppTestContext, whatsAppWebhook } from './fixtures.ts';
import { whatsAppCloudAdapter } from './whatsapp.ts';

const WA_ID = '14155552671';
const AT = new Date('2025-03-01T12:00:00.000Z');
const phone = { kind: 'phone' as const, address: '+14155552671', verified: true };
const outbound = (o: Partial<Parameters<typeof sampleOutboundMessage>[0]> = {}) =>
  sampleOutboundMessage({ contact: { id: 'contact_1', name: 'Ana', identities: [phone] }, html: null, ...o });
const ctx = whatsAppTestContext();
const parse = (body: unknown) => whatsAppCloudAdapter.parse(signedMetaRequest(body), ctx);
const textBody = () => whatsAppWebhook({ contacts: [wa.contact(WA_ID, 'Ana Müller')], messages: [wa.text(WA_ID, 'wamid.IN1', 'Olá, preciso de ajuda', AT)] });

runAdapterContractSuite('whatsapp (cloud)', {
  adapter: whatsAppCloudAdapter,
  context: (o) => whatsAppTestContext(o),
  validRequest: () => signedMetaRequest(textBody()),
  tamper: (req) => ({ ...req, rawBody: req.rawBody.replace('preciso', 'PRECISO') }),
  unsigned: (req) => ({ ...req, headers: {} }),
  malformedRequest: () => signedMetaRequest(whatsAppWebhook({ messages: [{ id: 'wamid.X', type: 'text', text: { body: 'no sender' } }] })),
  outboundMessage: () => outbound(),
  successResponse: { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: WA_ID, wa_id: WA_ID }], messages: [{ id: 'wamid.OUT1' }] } },
});

describe('whatsapp cloud adapter: credentials', () => {
  it('defaults the provider discriminator to cloud and requires numeric ids', () => {
    const base = { appSecret: 's', verifyToken: 'verify-token', accessToken: 't', phoneNumberId: '123' };
    expect(whatsAppCloudAdapter.credentialsSchema.parse(base).provider).toBe('cloud');
    expect(whatsAppCloudAdapter.credentialsSchema.safeParse({ ...base, provider: 'twilio' }).success).toBe(false);
    expect(whatsAppCloudAdapter.credentialsSchema.safeParse({ ...base, phoneNumberId: '+1555' }).success).toBe(false);
    expect(whatsAppCloudAdapter.settingsSchema.parse({})).toEqual({ graphBaseUrl: 'https://graph.facebook.com', graphApiVersion: 'v25.0' });
  });
});

describe('whatsapp cloud adapter: parse', () => {
  it('maps the sender to an E.164 phone identity with the profile name', async () => {
    const { messages } = await parse(textBody());
    expect(messages).toEqual([
      { providerMessageId: 'wamid.IN1', contact: { identities: [phone], name: 'Ana Müller' }, text: 'Olá, preciso de ajuda', attachments: [], occurredAt: AT, metadata: {} },
    ]);
    expect(whatsAppCloudAdapter.handshake?.(metaVerificationRequest(TEST_META.verifyToken, 'c1'), ctx)?.body).toBe('c1');
  });

  it('offers media by Graph media URL, with captions, file names and voice notes', async () => {
    const body = whatsAppWebhook({
      messages: [
        wa.media(WA_ID, 'wamid.IMG', 'image', { id: '1111', mime_type: 'image/jpeg', caption: 'Foto vom Schaden' }, AT),
        wa.media(WA_ID, 'wamid.DOC', 'document', { id: '2222', mime_type: 'application/pdf', filename: 'Rechnung.pdf' }, AT),
        { ...wa.media(WA_ID, 'wamid.VOICE', 'audio', { id: '3333', mime_type: 'audio/ogg; codecs=opus' }, AT), audio: { id: '3333', mime_type: 'audio/ogg; codecs=opus', voice: true } },
        wa.media(WA_ID, 'wamid.STK', 'sticker', { id: '4444', mime_type: 'image/webp' }, AT),
      ],
    });
    const { messages } = await parse(body);
    expect(messages.map((m) => [m.text, m.attachments])).toEqual([
      ['Foto vom Schaden', [{ name: 'image.jpg', contentType: 'image/jpeg', url: 'https://graph.facebook.com/v25.0/1111' }]],
      ['', [{ name: 'Rechnung.pdf', contentType: 'application/pdf', url: 'https://graph.facebook.com/v25.0/2222' }]],
      ['', [{ name: 'voice.ogg', contentType: 'audio/ogg', url: 'https://graph.facebook.com/v25.0/3333' }]],
      ['', [{ name: 'sticker.webp', contentType: 'image/webp', url: 'https://graph.facebook.com/v25.0/4444' }]],
    ]);
  });

  it('keeps replies, reactions, locations, buttons and unknown types readable', async () => {
    const body = whatsAppWebhook({
      messages: [
        wa.text(WA_ID, 'wamid.R', 'Ja, genau das', AT, { context: { from: '15550783881', id: 'wamid.OUT7' } }),
        wa.reaction(WA_ID, 'wamid.RX', 'wamid.OUT7', '👍', AT),
        wa.reaction(WA_ID, 'wamid.RX2', 'wamid.OUT7', '', AT),
        { from: WA_ID, id: 'wamid.L', timestamp: '1740830400', type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Büro', address: 'Berlin' } },
        { from: WA_ID, id: 'wamid.B', timestamp: '1740830400', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Ja bitte' } } },
        { from: WA_ID, id: 'wamid.U', timestamp: '1740830400', type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] },
        { from: WA_ID, id: 'wamid.W', timestamp: '1740830400', type: 'request_welcome' },
      ],
    });
    const { messages } = await parse(body);
    expect(messages.map((m) => [m.providerMessageId, m.text, m.metadata])).toEqual([
      ['wamid.R', 'Ja, genau das', { replyTo: { providerMessageId: 'wamid.OUT7' } }],
      ['wamid.RX', 'Reacted 👍 to a message', { reaction: { emoji: '👍', action: 'react', providerMessageId: 'wamid.OUT7' } }],
      ['wamid.RX2', 'Removed a reaction', { reaction: { emoji: null, action: 'unreact', providerMessageId: 'wamid.OUT7' } }],
      ['wamid.L', '📍 Büro, Berlin (52.52, 13.405)', { location: { latitude: 52.52, longitude: 13.405, name: 'Büro', address: 'Berlin' } }],
      ['wamid.B', 'Ja bitte', { interactive: { type: 'button_reply', id: 'yes' } }],
      ['wamid.U', '[Unsupported WhatsApp message: (#131051) Message type unknown]', { unsupported: { type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] } }],
    ]);
  });

  it('maps statuses with WhatsApp\'s error, ignores other numbers and other fields', async () => {
    const failed = wa.status('wamid.OUT2', 'failed', WA_ID, AT, [
      { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } },
    ]);
    const body = whatsAppWebhook({ statuses: [wa.status('wamid.OUT1', 'delivered', WA_ID, AT), failed, { ...wa.status('wamid.OUT3', 'read', WA_ID, AT), status: 'deleted' }] });
    body.entry.push(whatsAppWebhook({ messages: [wa.text(WA_ID, 'wamid.OTHER', 'other number')] }, '999999').entry[0]!);
    body.entry.push({ id: TEST_META.businessAccountId, changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } as never }] });
    const parsed = await parse(body);
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses).toEqual([
      { providerMessageId: 'wamid.OUT1', status: 'delivered', occurredAt: AT },
      {
        providerMessageId: 'wamid.OUT2',
        status: 'failed',
        occurredAt: AT,
        error: '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      },
    ]);
  });

  it('keeps WhatsApp ids libphonenumber does not know as E.164 digits', async () => {
    const { messages } = await parse(whatsAppWebhook({ messages: [wa.text('999123456789', 'wamid.N', 'hi', AT)] }));
    expect(messages[0]?.contact.identities).toEqual([{ kind: 'phone', address: '+999123456789', verified: true }]);
  });
});

describe('whatsapp cloud adapter: Graph API', () => {
  const meta = metaFakeEachTest();
  const start = async () => whatsAppTestContext({ settings: { graphBaseUrl: (await meta.start()).url, graphApiVersion: 'v23.0' } });

  it('sends text to /{version}/{phone-number-id}/messages', async () => {
    const c = await start();
    const result = await whatsAppCloudAdapter.send(outbound({ text: 'Segue o link: https://acme.example/t/1' }), c);
    expect(meta.current.requests[0]?.path).toBe(`/v23.0/${TEST_META.phoneNumberId}/messages`);
    expect(meta.current.sends[0]?.body).toEqual({ messaging_product: 'whatsapp', recipient_type: 'individual', to: WA_ID, type: 'text', text: { body: 'Segue o link: https://acme.example/t/1', preview_url: true } });
    expect(result).toEqual({ providerMessageId: meta.current.sends[0]?.id, status: 'sent' });
  });

  it('sends a template instead of text', async () => {
    const c = await start();
    const components = [{ type: 'body', parameters: [{ type: 'text', text: '#1234' }] }];
    await whatsAppCloudAdapter.send(outbound({ text: 'ignored', template: { name: 'order_update', language: 'pt_BR', components } }), c);
    expect(meta.current.sends.map((s) => s.body)).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: WA_ID, type: 'template', template: { name: 'order_update', language: { code: 'pt_BR' }, components } },
    ]);
  });

  it('uploads files as media and sends them by id (documents keep their name)', async () => {
    const c = await start();
    const pdf = new TextEncoder().encode('%PDF-1.4 fake');
    await whatsAppCloudAdapter.send(outbound({ text: '', attachments: [{ name: 'Angebot.pdf', contentType: 'application/pdf', size: pdf.length, content: pdf }, { name: 'x.png', contentType: 'image/png', size: 1, url: 'https://files.example/x.png' }] }), c);
    const upload = meta.current.uploads[0]!;
    expect([upload.endpoint, upload.fields.messaging_product, upload.fields.type, upload.file.bytes.toString()]).toEqual(['whatsapp-media', 'whatsapp', 'application/pdf', '%PDF-1.4 fake']);
    expect(meta.current.sends.map((s) => [s.body.type, s.body[s.body.type]])).toEqual([
      ['document', { id: upload.id, filename: 'Angebot.pdf' }],
      ['image', { link: 'https://files.example/x.png' }],
    ]);
  });

  it('fails permanently with WhatsApp\'s reason, retries outages', async () => {
    const c = await start();
    meta.current.failNext(400, { message: '(#131030) Recipient phone number not in allowed list', code: 131030, error_data: { details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.' } });
    const refused = await whatsAppCloudAdapter.send(outbound(), c).then(() => null, (e: ChannelError) => e);
    expect([refused?.code, refused?.transient]).toEqual(['invalid_recipient', false]);
    expect(refused?.message).toContain('(#131030) Recipient phone number not in allowed list — Recipient phone number not in allowed list: Add recipient');
    meta.current.failNext(400, { message: '(#130429) Rate limit hit', code: 130429 });
    expect((await whatsAppCloudAdapter.send(outbound(), c).then(() => null, (e: ChannelError) => e))?.transient).toBe(true);
    meta.current.failNext(503);
    expect((await whatsAppCloudAdapter.send(outbound(), c).then(() => null, (e: ChannelError) => e))?.transient).toBe(true);
  });

  it('downloads media ids through Graph with the token, and plain URLs without it', async () => {
    const c = await start();
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70]);
    const id = meta.current.addMedia(bytes, 'image/jpeg');
    const [m] = (await whatsAppCloudAdapter.parse(signedMetaRequest(whatsAppWebhook({ messages: [wa.media(WA_ID, 'wamid.M', 'image', { id, mime_type: 'image/jpeg' })] })), c)).messages;
    const url = m?.attachments[0]?.url ?? '';
    expect(url).toBe(`${meta.current.url}/v23.0/${id}`);
    const res = await whatsAppCloudAdapter.fetchAttachment!(url, c);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    const download = meta.current.requests.find((r) => r.path.startsWith('/whatsapp-media/'));
    expect(download?.headers.authorization).toBe(`Bearer ${TEST_META.accessToken}`);

    const plain = await whatsAppCloudAdapter.fetchAttachment!(`${meta.current.url}/whatsapp-media/${id}`, c);
    expect(plain.status).toBe(401); // not a Graph URL: the token is not sent along
    const missing = await whatsAppCloudAdapter.fetchAttachment!(`${meta.current.url}/v23.0/12345`, c).then(() => null, (e: ChannelError) => e);
    expect([missing?.code, missing?.transient]).toEqual(['rejected', false]);
  });

  it('tests the connection by reading the phone number', async () => {
    const c = await start();
    expect(await whatsAppCloudAdapter.testConnection!(c)).toEqual({
      ok: true,
      details: { phoneNumberId: TEST_META.phoneNumberId, displayPhoneNumber: '+1 555-078-3881', verifiedName: 'Acme Support' },
    });
    expect(await whatsAppCloudAdapter.testConnection!({ ...c, credentials: { ...c.credentials, phoneNumberId: '77' } })).toMatchObject({ ok: false, problem: 'not_found' });
    expect(await whatsAppCloudAdapter.testConnection!({ ...c, credentials: { ...c.credentials, accessToken: 'x' } })).toMatchObject({ ok: false, problem: 'auth_failed' });
  });
});
