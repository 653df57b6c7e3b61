import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import type { AdapterContext, InboundRequest } from '../contract.ts';
import type { TwilioChannel } from './address.ts';
import type { TwilioCredentials, TwilioSettings } from './schema.ts';
import { TWILIO_SIGNATURE_HEADER } from './signature.ts';

export const TEST_TWILIO_ACCOUNT_SID = `AC${'0a1b2c3d'.repeat(4)}`;
export const TEST_TWILIO_AUTH_TOKEN = 'f3c9a1d2e4b5c6d7e8f9a0b1c2d3e4f5';
/** The inbox's number, and a customer's. */
export const TEST_TWILIO_NUMBER = '+14155550100';
export const TEST_CUSTOMER_NUMBER = '+14155552671';

/** A fresh Twilio SID (`SM…`, `MM…`, `ME…`): the prefix and 32 hex digits. */
export const twilioSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export function twilioTestContext(
  channel: TwilioChannel,
  overrides: { fetch?: typeof fetch; credentials?: Partial<TwilioCredentials>; settings?: TwilioSettings; publicUrl?: string; now?: () => Date } = {},
): AdapterContext<TwilioCredentials, TwilioSettings> {
  return {
    inbox: { id: 'inbox_1', publicToken: 'pub_test', kind: channel },
    credentials: {
      ...(channel === 'whatsapp' ? { provider: 'twilio' as const } : {}),
      accountSid: TEST_TWILIO_ACCOUNT_SID,
      authToken: TEST_TWILIO_AUTH_TOKEN,
      phoneNumber: TEST_TWILIO_NUMBER,
      ...overrides.credentials,
    },
    settings: overrides.settings ?? {},
    fetch: overrides.fetch ?? fetch,
    now: overrides.now ?? (() => new Date('2025-01-01T00:00:00.000Z')),
    publicUrl: overrides.publicUrl ?? 'https://switchboard.example',
  };
}

export interface InboundParamsInput {
  from?: string;
  to?: string;
  body?: string;
  sid?: string;
  channel?: TwilioChannel;
  accountSid?: string;
  media?: Array<{ url: string; contentType: string }>;
  profileName?: string;
  optOutType?: string;
}

/** An inbound message webhook's form fields, as Twilio posts them for an SMS/MMS or a WhatsApp message. */
export function twilioInboundParams(input: InboundParamsInput = {}): Record<string, string> {
  const channel = input.channel ?? 'sms';
  const address = (n: string) => (channel === 'whatsapp' ? `whatsapp:${n}` : n);
  const from = input.from ?? TEST_CUSTOMER_NUMBER;
  const sid = input.sid ?? twilioSid(input.media?.length ? 'MM' : 'SM');
  const media = input.media ?? [];
  const params: Record<string, string> = {
    ToCountry: 'US',
    ToState: 'CA',
    SmsMessageSid: sid,
    NumMedia: String(media.length),
    ToCity: 'SAN FRANCISCO',
    FromZip: '94105',
    SmsSid: sid,
    FromState: 'CA',
    SmsStatus: 'received',
    FromCity: 'SAN FRANCISCO',
    Body: input.body ?? 'Hi, is my order on its way?',
    FromCountry: 'US',
    To: address(input.to ?? TEST_TWILIO_NUMBER),
    ToZip: '94105',
    NumSegments: '1',
    MessageSid: sid,
    AccountSid: input.accountSid ?? TEST_TWILIO_ACCOUNT_SID,
    From: address(from),
    ApiVersion: '2010-04-01',
  };
  media.forEach((m, i) => {
    params[`MediaUrl${i}`] = m.url;
    params[`MediaContentType${i}`] = m.contentType;
  });
  if (channel === 'whatsapp') {
    params.ProfileName = input.profileName ?? 'Ada Lovelace';
    params.WaId = from.replace(/^\+/, '');
    params.MessageType = media.length ? 'image' : 'text';
  }
  if (input.optOutType) params.OptOutType = input.optOutType;
  return params;
}

/** A status callback's form fields. */
export function twilioStatusParams(input: { sid: string; status: string; errorCode?: string; to?: string; from?: string; accountSid?: string }): Record<string, string> {
  return {
    SmsSid: input.sid,
    SmsStatus: input.status,
    MessageStatus: input.status,
    To: input.to ?? TEST_CUSTOMER_NUMBER,
    MessageSid: input.sid,
    AccountSid: input.accountSid ?? TEST_TWILIO_ACCOUNT_SID,
    From: input.from ?? TEST_TWILIO_NUMBER,
    ApiVersion: '2010-04-01',
    ...(input.errorCode ? { ErrorCode: input.errorCode } : {}),
  };
}

export const encodeForm = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** The headers and body Twilio sends to `url`: form-encoded, signed exactly as Twilio signs (auth token, HMAC-SHA1). */
export function twilioWebhook(url: string, params: Record<string, string>, authToken = TEST_TWILIO_AUTH_TOKEN) {
  return {
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      [TWILIO_SIGNATURE_HEADER]: twilio.getExpectedTwilioSignature(authToken, url, params),
      'i-twilio-idempotency-token': randomBytes(16).toString('hex'),
    },
    body: encodeForm(params),
  };
}

/** A signed webhook as the server hands it to the adapter. */
export function signedTwilioRequest(
  params: Record<string, string>,
  opts: { url?: string; authToken?: string } = {},
): InboundRequest {
  const url = opts.url ?? 'https://switchboard.example/webhooks/sms/pub_test';
  const { headers, body } = twilioWebhook(url, params, opts.authToken);
  return { method: 'POST', url, headers, rawBody: body };
}
