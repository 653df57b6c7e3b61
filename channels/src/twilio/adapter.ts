import type { ChannelAdapter } from '../contract.ts';
import type { TwilioChannel } from './address.ts';
import { testTwilioConnection } from './connection.ts';
import { fetchTwilioMedia } from './media.ts';
import { parseTwilioWebhook } from './parse.ts';
import {
  twilioSettingsSchema,
  twilioSmsCredentialsSchema,
  twilioWhatsAppCredentialsSchema,
  type TwilioCredentials,
  type TwilioSettings,
  type TwilioSmsCredentials,
  type TwilioWhatsAppCredentials,
} from './schema.ts';
import { sendTwilioMessage } from './send.ts';
import { TWILIO_SIGNATURE_HEADER, TWILIO_SIGNATURE_SETTINGS_HEADER, verifyTwilioRequest } from './signature.ts';
import { signedRequestKey } from '../util/replay.ts';

export const EMPTY_TWIML = { status: 200, contentType: 'text/xml', body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>' };

export interface TwilioAdapterOptions {
  /** REST timeout per request (default 15 s). */
  timeoutMs?: number;
}

function createTwilioAdapter<C extends TwilioCredentials>(
  channel: TwilioChannel,
  credentialsSchema: ChannelAdapter<C, TwilioSettings>['credentialsSchema'],
  opts: TwilioAdapterOptions,
): ChannelAdapter<C, TwilioSettings> {
  return {
    kind: channel,
    recipientIdentityKind: 'phone',
    // MMS: up to 10 media and 5 MB in all per message (Twilio's documented limits). WhatsApp's are the `whatsapp`
    // kind's, whichever provider sends (whatsapp/adapter.ts).
    ...(channel === 'sms' ? { outboundFileLimits: { maxTotalBytes: 5 * 1024 * 1024, maxFiles: 10 } } : {}),
    credentialsSchema,
    settingsSchema: twilioSettingsSchema,
    // Empty TwiML: Twilio expects XML from a messaging webhook (else its debugger logs 12300), and sends no reply.
    acknowledge: () => EMPTY_TWIML,
    verify: (req, ctx) => verifyTwilioRequest(req, ctx.credentials),
    // Twilio's retries repeat the request byte for byte (same URL, signature and form fields).
    replayKey: (req) => signedRequestKey(req, [TWILIO_SIGNATURE_HEADER, TWILIO_SIGNATURE_SETTINGS_HEADER]),
    parse: (req, ctx) => parseTwilioWebhook(req, ctx),
    send: (msg, ctx) => sendTwilioMessage(msg, ctx, channel, opts),
    testConnection: (ctx) => testTwilioConnection(ctx, channel, opts),
    fetchAttachment: (url, ctx) => fetchTwilioMedia(url, ctx),
  };
}

/** SMS and MMS through Twilio (inbox kind `sms`). */
export const createTwilioSmsAdapter = (opts: TwilioAdapterOptions = {}): ChannelAdapter<TwilioSmsCredentials, TwilioSettings> =>
  createTwilioAdapter('sms', twilioSmsCredentialsSchema, opts);

/** WhatsApp through Twilio (inbox kind `whatsapp`, credentials `provider: 'twilio'`). */
export const createTwilioWhatsAppAdapter = (opts: TwilioAdapterOptions = {}): ChannelAdapter<TwilioWhatsAppCredentials, TwilioSettings> =>
  createTwilioAdapter('whatsapp', twilioWhatsAppCredentialsSchema, opts);

export const twilioSmsAdapter = createTwilioSmsAdapter();
export const twilioWhatsAppAdapter = createTwilioWhatsAppAdapter();
