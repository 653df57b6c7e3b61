import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../contract.ts';
import { channelErrorOf, sampleOutboundMessage } from '../testing/fixtures.ts';
import { startTwilioFake, type TwilioFake, type TwilioFakeOptions } from '../testing/twilio-fake.ts';
import type { TwilioChannel } from './address.ts';
import { twilioSmsAdapter, twilioWhatsAppAdapter } from './adapter.ts';
import { TEST_CUSTOMER_NUMBER, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, TEST_TWILIO_NUMBER, twilioTestContext } from './fixtures.ts';
import type { TwilioCredentials } from './schema.ts';

let fake: TwilioFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const message = (overrides: Partial<OutboundMessage> = {}): OutboundMessage =>
  sampleOutboundMessage({
    contact: { id: 'contact_1', name: 'Ada', identities: [{ kind: 'email', address: 'ada@example.com' }, { kind: 'phone', address: TEST_CUSTOMER_NUMBER }] },
    ...overrides,
  });

async function setup(channel: TwilioChannel = 'sms', credentials: Partial<TwilioCredentials> = {}, fakeOptions: TwilioFakeOptions = {}) {
  fake = await startTwilioFake(fakeOptions);
  const ctx = twilioTestContext(channel, { settings: { apiBaseUrl: fake.url }, credentials });
  const adapter = channel === 'sms' ? twilioSmsAdapter : twilioWhatsAppAdapter;
  return { fake, ctx, send: (m = message()) => adapter.send(m, ctx) };
}

describe('twilio send', () => {
  it('creates a message through the SDK: Basic auth, form fields, status callback; the SID is the provider id', async () => {
    const { fake, send } = await setup();
    const result = await send();
    const [sent] = fake.messages;
    expect(result).toEqual({ providerMessageId: sent?.sid, status: 'sent', metadata: { twilioStatus: 'queued', numSegments: '1', numMedia: '0' } });
    expect(sent).toMatchObject({
      to: TEST_CUSTOMER_NUMBER,
      from: TEST_TWILIO_NUMBER,
      body: 'Hello from support!',
      mediaUrl: [],
      statusCallback: 'https://switchboard.example/webhooks/sms/pub_test',
    });
    const request = fake.requests.find((r) => r.method === 'POST');
    expect(request?.path).toBe(`/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Messages.json`);
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${TEST_TWILIO_ACCOUNT_SID}:${TEST_TWILIO_AUTH_TOKEN}`).toString('base64')}`);
    expect(request?.headers['user-agent']).toMatch(/^twilio-node\//);
  });

  it('addresses WhatsApp with the whatsapp: prefix on both ends', async () => {
    const { fake, send } = await setup('whatsapp');
    await send();
    expect(fake.messages[0]).toMatchObject({ to: `whatsapp:${TEST_CUSTOMER_NUMBER}`, from: `whatsapp:${TEST_TWILIO_NUMBER}`, statusCallback: 'https://switchboard.example/webhooks/whatsapp/pub_test' });
  });

  it('sends from a Messaging Service, authenticated with an API key', async () => {
    const service = `MG${'4'.repeat(32)}`;
    const apiKey = { sid: `SK${'5'.repeat(32)}`, secret: 'api-key-secret-0123456789' };
    const { fake, send } = await setup('sms', { messagingServiceSid: service, apiKeySid: apiKey.sid, apiKeySecret: apiKey.secret }, { messagingServices: [service], apiKey });
    await send();
    expect(fake.messages[0]).toMatchObject({ messagingServiceSid: service, from: null });
    expect(fake.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${apiKey.sid}:${apiKey.secret}`).toString('base64')}`);
  });

  it('passes attachment URLs as repeated MediaUrl fields', async () => {
    const { fake, send } = await setup();
    const files = ['a.png', 'b.pdf'].map((name) => ({ name, contentType: 'image/png', size: 3, url: `https://switchboard.example/media/${name}?sig=x` }));
    await send(message({ text: '', attachments: files }));
    expect(fake.messages[0]?.mediaUrl).toEqual(files.map((f) => f.url));
    expect(fake.messages[0]?.body).toBeNull();
  });

  it('refuses what Twilio cannot carry before calling it', async () => {
    const { fake, send } = await setup('whatsapp');
    const file = (name: string, url?: string) => ({ name, contentType: 'image/png', size: 1, ...(url ? { url } : {}) });
    const two = await channelErrorOf(send(message({ attachments: [file('a', 'https://x.example/a'), file('b', 'https://x.example/b')] })));
    expect(two.message).toMatch(/WhatsApp messages carry one attachment/);
    const noUrl = await channelErrorOf(send(message({ attachments: [file('a')] })));
    expect(noUrl.code).toBe('not_configured');
    const noPhone = await channelErrorOf(send(message({ contact: { id: 'c', name: null, identities: [{ kind: 'email', address: 'a@b.example' }] } })));
    expect(noPhone.code).toBe('invalid_recipient');
    expect(await channelErrorOf(send(message({ text: '  ' })))).toMatchObject({ code: 'rejected', transient: false });
    expect(fake.sendAttempts()).toBe(0);
  });

  it('maps Twilio refusals to permanent errors with Twilio’s code and message', async () => {
    const { fake, send } = await setup();
    fake.refuse({ code: 21211, message: "Invalid 'To' Phone Number: +1555" });
    const invalid = await channelErrorOf(send());
    expect(invalid).toMatchObject({ code: 'invalid_recipient', transient: false, providerStatus: 400 });
    expect(invalid.message).toBe("Twilio error 21211: Invalid 'To' Phone Number: +1555. Invalid 'To' phone number (https://www.twilio.com/docs/errors/21211)");
    fake.succeed();
    fake.unsubscribe(TEST_CUSTOMER_NUMBER);
    const stopped = await channelErrorOf(send());
    expect(stopped).toMatchObject({ code: 'recipient_opted_out', transient: false });
    expect(stopped.message).toMatch(/^Twilio error 21610: Attempt to send to unsubscribed recipient/);
  });

  it.each([500, 503, 429])('treats %i as transient', async (status) => {
    const { fake, send } = await setup();
    fake.failNext(1, status);
    const err = await channelErrorOf(send());
    expect(err).toMatchObject({ transient: true, providerStatus: status });
    expect((await send()).providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('treats bad credentials as permanent and an unreachable API as transient', async () => {
    const { fake, send } = await setup('sms', { authToken: 'wrong-token-0123456789abcdef' });
    expect(await channelErrorOf(send())).toMatchObject({ code: 'unauthorized', transient: false, providerStatus: 401 });
    await fake.close();
    expect(await channelErrorOf(send())).toMatchObject({ code: 'network_error', transient: true });
  });
});
