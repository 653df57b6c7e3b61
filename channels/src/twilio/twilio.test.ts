import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import type { InboundRequest } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { twilioProviderHarness } from '../testing/twilio-fake.ts';
import type { TwilioChannel } from './address.ts';
import { twilioSmsAdapter, twilioWhatsAppAdapter } from './adapter.ts';
import { signedTwilioRequest, TEST_CUSTOMER_NUMBER, twilioInboundParams, twilioTestContext } from './fixtures.ts';
import { TWILIO_SIGNATURE_HEADER } from './signature.ts';

const SID = `SM${'1'.repeat(32)}`;

function fixture(channel: TwilioChannel) {
  const url = `https://switchboard.example/webhooks/${channel}/pub_test`;
  return {
    context: (o?: { fetch?: typeof fetch }) => twilioTestContext(channel, o),
    validRequest: () => signedTwilioRequest(twilioInboundParams({ sid: SID, channel }), { url }),
    // Twilio signs the form fields: change one, keep the signature.
    tamper: (req: InboundRequest) => ({ ...req, rawBody: req.rawBody.replace('on+its+way', 'ON+ITS+WAY') }),
    unsigned: (req: InboundRequest) => {
      const headers = { ...req.headers };
      delete headers[TWILIO_SIGNATURE_HEADER];
      return { ...req, headers };
    },
    malformedRequest: () => signedTwilioRequest({ AccountSid: twilioTestContext(channel).credentials.accountSid, Body: 'no sid, no sender' }, { url }),
    outboundMessage: () => sampleOutboundMessage({ contact: { id: 'contact_1', name: 'Ada', identities: [{ kind: 'phone', address: TEST_CUSTOMER_NUMBER }] } }),
    provider: () => twilioProviderHarness((fake) => twilioTestContext(channel, { settings: { apiBaseUrl: fake.url } })),
  };
}

runAdapterContractSuite('twilio sms', { adapter: twilioSmsAdapter, ...fixture('sms') });
runAdapterContractSuite('twilio whatsapp', { adapter: twilioWhatsAppAdapter, ...fixture('whatsapp') });

describe('twilio adapters', () => {
  it('address phone identities and can download media and test connections', () => {
    for (const adapter of [twilioSmsAdapter, twilioWhatsAppAdapter]) {
      expect(adapter.recipientIdentityKind).toBe('phone');
      expect(typeof adapter.fetchAttachment).toBe('function');
      expect(typeof adapter.testConnection).toBe('function');
    }
    expect([twilioSmsAdapter.kind, twilioWhatsAppAdapter.kind]).toEqual(['sms', 'whatsapp']);
  });
});
