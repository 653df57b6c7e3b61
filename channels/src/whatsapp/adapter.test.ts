import { describe, expect, it } from 'vitest';
import type { AdapterContext } from '../contract.ts';
import { signedMetaRequest, whatsAppEvents as wa, whatsAppTestContext, whatsAppWebhook } from '../meta/fixtures.ts';
import { signedTwilioRequest, twilioInboundParams, twilioTestContext } from '../twilio/fixtures.ts';
import { whatsAppAdapter } from './adapter.ts';

const AT = new Date('2025-03-01T12:00:00.000Z');
// The dispatcher takes contexts whose credentials name the provider (as the server builds them from a stored inbox).
const asSwitch = (ctx: AdapterContext<unknown, unknown>) => ctx as unknown as Parameters<typeof whatsAppAdapter.verify>[1];

describe('whatsapp: one inbox kind, two providers', () => {
  it("validates credentials with the chosen provider's schema; Cloud API when none is named", () => {
    const cloud = { appSecret: 's', verifyToken: 'verify-token', accessToken: 't', phoneNumberId: '123' };
    expect(whatsAppAdapter.credentialsSchema.parse(cloud)).toMatchObject({ provider: 'cloud', phoneNumberId: '123' });
    const twilio = twilioTestContext('whatsapp').credentials;
    expect(whatsAppAdapter.credentialsSchema.parse(twilio)).toMatchObject({ provider: 'twilio', accountSid: twilio.accountSid });
    // Twilio credentials are not Cloud API credentials, and the other way round: the errors name the fields.
    const wrong = whatsAppAdapter.credentialsSchema.safeParse({ ...cloud, provider: 'twilio' });
    expect(wrong.success).toBe(false);
    expect(wrong.error?.issues.map((i) => i.path.join('.'))).toContain('accountSid');
    expect(whatsAppAdapter.credentialsSchema.safeParse({ ...cloud, provider: 'carrier-pigeon' }).success).toBe(false);
  });

  it('verifies and parses Cloud API webhooks with the Cloud API adapter', async () => {
    const ctx = asSwitch(whatsAppTestContext());
    const req = signedMetaRequest(whatsAppWebhook({ contacts: [wa.contact('14155552671', 'Ana')], messages: [wa.text('14155552671', 'wamid.A', 'Hallo', AT)] }));
    expect(await whatsAppAdapter.verify(req, ctx)).toEqual({ ok: true });
    expect((await whatsAppAdapter.verify({ ...req, rawBody: req.rawBody.replace('Hallo', 'HALLO') }, ctx)).ok).toBe(false);
    const { messages } = await whatsAppAdapter.parse(req, ctx);
    expect(messages.map((m) => [m.providerMessageId, m.text, m.contact.identities])).toEqual([['wamid.A', 'Hallo', [{ kind: 'phone', address: '+14155552671', verified: true }]]]);
  });

  it('verifies, parses and acknowledges Twilio webhooks with the Twilio adapter (same phone identity)', async () => {
    const url = 'https://switchboard.example/webhooks/whatsapp/pub_test';
    const ctx = asSwitch(twilioTestContext('whatsapp'));
    const req = signedTwilioRequest(twilioInboundParams({ sid: `SM${'2'.repeat(32)}`, channel: 'whatsapp', from: '+14155552671' }), { url });
    expect(await whatsAppAdapter.verify(req, ctx)).toEqual({ ok: true });
    // A Meta signature is no Twilio signature: the provider's own check runs.
    expect((await whatsAppAdapter.verify({ ...req, headers: {} }, ctx)).ok).toBe(false);
    const { messages } = await whatsAppAdapter.parse(req, ctx);
    expect(messages[0]?.contact.identities).toContainEqual(expect.objectContaining({ kind: 'phone', address: '+14155552671' }));
    expect(whatsAppAdapter.acknowledge?.({ received: 1, duplicates: 0, statuses: 0 }, ctx).body).toContain('<Response');
  });

  it("keeps WhatsApp's 24-hour window and phone recipients whatever the provider", () => {
    expect(whatsAppAdapter.replyWindowHours).toBe(24);
    expect(whatsAppAdapter.recipientIdentityKind).toBe('phone');
  });
});
