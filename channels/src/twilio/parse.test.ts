import { describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.ts';
import { phoneFromTwilioAddress } from './address.ts';
import { consentOf } from './consent.ts';
import { signedTwilioRequest, TEST_CUSTOMER_NUMBER, TEST_TWILIO_ACCOUNT_SID, twilioInboundParams, twilioStatusParams, twilioTestContext } from './fixtures.ts';
import { parseTwilioWebhook } from './parse.ts';

const ctx = twilioTestContext('sms');
const parse = (params: Record<string, string>) => parseTwilioWebhook(signedTwilioRequest(params), ctx);
const SID = `SM${'2'.repeat(32)}`;

function parseError(params: Record<string, string>): ChannelError {
  try {
    parse(params);
  } catch (err) {
    if (err instanceof ChannelError) return err;
    throw err;
  }
  throw new Error('expected parse to throw');
}

describe('twilio parse: inbound messages', () => {
  it('maps an SMS to a message from the E.164 phone identity, keyed on MessageSid', () => {
    const parsed = parse(twilioInboundParams({ sid: SID, body: 'Hello there' }));
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages).toEqual([
      {
        providerMessageId: SID,
        contact: { identities: [{ kind: 'phone', address: TEST_CUSTOMER_NUMBER }] },
        text: 'Hello there',
        attachments: [],
        occurredAt: ctx.now(),
        metadata: {
          twilio: expect.objectContaining({ channel: 'sms', to: '+14155550100', accountSid: TEST_TWILIO_ACCOUNT_SID, numSegments: '1', numMedia: '0', fromCountry: 'US' }),
        },
      },
    ]);
  });

  it('gives the same person on WhatsApp the same identity, with their profile name', () => {
    const [m] = parse(twilioInboundParams({ channel: 'whatsapp', profileName: 'Ada L.' })).messages;
    expect(m?.contact).toEqual({ name: 'Ada L.', identities: [{ kind: 'phone', address: TEST_CUSTOMER_NUMBER }] });
    expect(m?.metadata).toMatchObject({ twilio: { channel: 'whatsapp', waId: '14155552671', profileName: 'Ada L.' } });
  });

  it('turns MMS media into attachments with URL, type and a file name from the media SID', () => {
    const url = `https://api.twilio.com/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Messages/${SID}/Media/ME${'3'.repeat(32)}`;
    const params = twilioInboundParams({ body: '', media: [{ url, contentType: 'image/jpeg' }, { url: 'https://cdn.example/x/card', contentType: 'text/vcard' }] });
    const [m] = parse(params).messages;
    expect(m?.text).toBe('');
    expect(m?.attachments).toEqual([
      { name: `ME${'3'.repeat(32)}.jpg`, contentType: 'image/jpeg', url },
      { name: `${params.MessageSid}-2.vcf`, contentType: 'text/vcard', url: 'https://cdn.example/x/card' },
    ]);
  });

  it('describes a shared WhatsApp location that has no body', () => {
    const params = { ...twilioInboundParams({ channel: 'whatsapp', body: '' }), Latitude: '52.52', Longitude: '13.405', Label: 'Office' };
    expect(parse(params).messages[0]?.text).toBe('📍 Office (52.52, 13.405)');
  });

  it('recognizes opt-out, opt-in and help keywords and Twilio’s OptOutType', () => {
    const consent = (body: string, optOutType?: string) => parse(twilioInboundParams({ body, ...(optOutType ? { optOutType } : {}) })).messages[0]?.consent;
    expect(consent(' stop ')).toEqual({ change: 'opted_out', keyword: 'STOP' });
    expect(consent('Unsubscribe')).toEqual({ change: 'opted_out', keyword: 'UNSUBSCRIBE' });
    expect(consent('START')).toEqual({ change: 'opted_in', keyword: 'START' });
    expect(consent('help')).toEqual({ change: 'help', keyword: 'HELP' });
    expect(consent('please stop sending me these')).toBeUndefined();
    expect(consent('ARRET', 'STOP')).toEqual({ change: 'opted_out', keyword: 'ARRET' });
  });

  it('knows all of Twilio’s default keywords', () => {
    for (const k of ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']) expect(consentOf(k.toLowerCase(), undefined)?.change).toBe('opted_out');
    for (const k of ['START', 'YES', 'UNSTOP']) expect(consentOf(k, undefined)?.change).toBe('opted_in');
    for (const k of ['HELP', 'INFO']) expect(consentOf(k, undefined)?.change).toBe('help');
  });
});

describe('twilio parse: status callbacks', () => {
  const status = (s: string, errorCode?: string) => parse(twilioStatusParams({ sid: SID, status: s, ...(errorCode ? { errorCode } : {}) }));

  it('moves our message to sent, delivered and read', () => {
    for (const s of ['sent', 'delivered', 'read'] as const) {
      expect(status(s)).toEqual({ messages: [], statuses: [{ providerMessageId: SID, status: s, occurredAt: ctx.now() }] });
    }
  });

  it('reports undelivered and failed with Twilio’s code and a human reason', () => {
    expect(status('undelivered', '30003').statuses).toEqual([
      { providerMessageId: SID, status: 'failed', occurredAt: ctx.now(), error: 'Twilio error 30003: Unreachable destination handset (phone off or out of coverage) (https://www.twilio.com/docs/errors/30003)' },
    ]);
    expect(status('failed', '63016').statuses[0]?.error).toMatch(/^Twilio error 63016: Outside the WhatsApp 24-hour window/);
    expect(status('failed', '99999').statuses[0]?.error).toBe('Twilio error 99999: see the error reference (https://www.twilio.com/docs/errors/99999)');
    expect(status('failed').statuses[0]?.error).toBe('Twilio reports the message failed');
  });

  it('records nothing for states before the carrier has the message, or unknown ones', () => {
    for (const s of ['queued', 'accepted', 'sending', 'scheduled', 'partially_delivered', 'something_new']) expect(status(s)).toEqual({ messages: [], statuses: [] });
  });
});

describe('twilio parse: malformed', () => {
  it('refuses requests without a message SID or a phone sender', () => {
    expect(parseError({ Body: 'hi', From: TEST_CUSTOMER_NUMBER }).code).toBe('malformed_payload');
    expect(parseError({ ...twilioInboundParams(), MessageSid: 'not-a-sid' }).message).toMatch(/MessageSid/);
    expect(parseError({ ...twilioInboundParams(), From: 'client:alice' }).message).toMatch(/From/);
    expect(parseError({ ...twilioInboundParams(), From: '' }).message).toMatch(/From/);
  });

  it('refuses media counts that do not match the media fields', () => {
    expect(parseError({ ...twilioInboundParams(), NumMedia: 'two' }).message).toMatch(/NumMedia/);
    expect(parseError({ ...twilioInboundParams(), NumMedia: '1' }).message).toMatch(/MediaUrl0/);
    expect(parseError({ ...twilioInboundParams(), NumMedia: '1', MediaUrl0: 'javascript:alert(1)' }).message).toMatch(/MediaUrl0/);
  });

  it('refuses a JSON body', () => {
    const req = { ...signedTwilioRequest({}), rawBody: JSON.stringify({ MessageSid: SID }) };
    expect(() => parseTwilioWebhook(req, ctx)).toThrow(ChannelError);
  });
});

describe('twilio addresses', () => {
  it('normalizes numbers to E.164 and keeps short codes', () => {
    expect(phoneFromTwilioAddress('whatsapp:+14155552671')).toBe('+14155552671');
    expect(phoneFromTwilioAddress('+4915112345678')).toBe('+4915112345678');
    expect(phoneFromTwilioAddress('+447700900123')).toBe('+447700900123');
    expect(phoneFromTwilioAddress('12345')).toBe('12345');
    expect(phoneFromTwilioAddress('4155552671')).toBeNull();
    expect(phoneFromTwilioAddress('+1')).toBeNull();
    expect(phoneFromTwilioAddress('client:alice')).toBeNull();
  });
});
