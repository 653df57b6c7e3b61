import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError, type OutboundMessage } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { startTwilioFake, type TwilioFake } from '../testing/twilio-fake.ts';
import { twilioContentOf } from './content.ts';
import { TEST_CUSTOMER_NUMBER, twilioTestContext } from './fixtures.ts';
import { twilioSettingsSchema } from './schema.ts';
import { sendTwilioMessage } from './send.ts';

const HX = `HX${'a1'.repeat(16)}`;
const HX_DE = `HX${'b2'.repeat(16)}`;
const body = (text: string) => ({ type: 'body', parameters: [{ type: 'text', text }] });

let fake: TwilioFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const templated = (template: OutboundMessage['template']): OutboundMessage =>
  sampleOutboundMessage({
    contact: { id: 'contact_1', name: 'Ada', identities: [{ kind: 'phone', address: TEST_CUSTOMER_NUMBER }] },
    text: 'Template order_update (en)',
    template,
  });

const refusal = async (promise: Promise<unknown>) => {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ChannelError);
  expect((err as ChannelError).transient).toBe(false);
  return err as ChannelError;
};

describe('twilio content templates', () => {
  const settings = twilioSettingsSchema.parse({ contentTemplates: { order_update: HX, 'order_update:de': HX_DE } });

  it('maps a name (name:language first) or a Content SID to ContentSid, and body parameters to numbered variables', () => {
    expect(twilioContentOf({ name: 'order_update', language: 'en', components: [body('#4711')] }, settings)).toEqual({ contentSid: HX, contentVariables: '{"1":"#4711"}' });
    expect(twilioContentOf({ name: 'order_update', language: 'de' }, settings)).toEqual({ contentSid: HX_DE });
    expect(twilioContentOf({ name: HX_DE, language: 'de', components: [{ type: 'variables', variables: { 1: 'Ada', date: 3 } }] }, {})).toEqual({
      contentSid: HX_DE,
      contentVariables: '{"1":"Ada","date":"3"}',
    });
    const named = { type: 'body', parameters: [{ type: 'text', text: 'Ada', parameter_name: 'first_name' }] };
    expect(twilioContentOf({ name: 'order_update', language: 'en', components: [named] }, settings).contentVariables).toBe('{"first_name":"Ada"}');
  });

  it('refuses an unknown name and components Twilio cannot take, permanently', () => {
    expect(() => twilioContentOf({ name: 'nope', language: 'en' }, settings)).toThrow(/No Twilio Content template "nope" \(en\)/);
    expect(() => twilioContentOf({ name: HX, language: 'en', components: [{ type: 'header', parameters: [] }] }, settings)).toThrow(/"header" has no Twilio equivalent/);
    expect(() => twilioContentOf({ name: HX, language: 'en', components: [{ type: 'body', parameters: [{ type: 'currency', currency: {} }] }] }, settings)).toThrow(/Twilio Content variables are text/);
    expect(twilioSettingsSchema.safeParse({ contentTemplates: { x: 'HX123' } }).success).toBe(false);
  });

  it('sends a template on WhatsApp as ContentSid + ContentVariables, without Body; the fake renders it', async () => {
    fake = await startTwilioFake({ contents: { [HX]: 'Your order {{1}} is on its way.' } });
    const ctx = twilioTestContext('whatsapp', { settings: { apiBaseUrl: fake.url, contentTemplates: { order_update: HX } } });
    const result = await sendTwilioMessage(templated({ name: 'order_update', language: 'en', components: [body('#4711')] }), ctx, 'whatsapp');
    const [sent] = fake.messages;
    expect(sent).toMatchObject({ sid: result.providerMessageId, to: `whatsapp:${TEST_CUSTOMER_NUMBER}`, contentSid: HX, contentVariables: { 1: '#4711' }, body: 'Your order #4711 is on its way.' });
    const form = new URLSearchParams(fake.requests.find((r) => r.method === 'POST')?.body);
    expect([form.get('ContentSid'), form.get('ContentVariables'), form.has('Body')]).toEqual([HX, '{"1":"#4711"}', false]);
  });

  it('fails with Twilio’s reason for a Content SID the account does not have, and refuses templates on SMS', async () => {
    fake = await startTwilioFake();
    const ctx = twilioTestContext('whatsapp', { settings: { apiBaseUrl: fake.url } });
    const unknown = await refusal(sendTwilioMessage(templated({ name: HX, language: 'en' }), ctx, 'whatsapp'));
    expect(unknown.message).toMatch(/21655/);
    const sms = await refusal(sendTwilioMessage(templated({ name: HX, language: 'en' }), twilioTestContext('sms', { settings: { apiBaseUrl: fake.url } }), 'sms'));
    expect(sms.message).toBe('Message templates are sent on WhatsApp only');
    expect(fake.messages).toHaveLength(0);
  });
});
