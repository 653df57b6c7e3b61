import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { fetchMetaAttachment } from './media.ts';
import { META_REPLY_WINDOW_HOURS, metaSettingsSchema, whatsAppCloudCredentialsSchema, type MetaSettings, type WhatsAppCloudCredentials } from './schema.ts';
import { metaHandshake, verifyMetaSignature } from './signature.ts';
import { parseWhatsAppWebhook } from './whatsapp-parse.ts';
import { sendWhatsAppMessage } from './whatsapp-send.ts';

/**
 * WhatsApp through Meta's Cloud API for one phone number (`credentials.provider: 'cloud'`; the `whatsapp` kind is
 * shared with WhatsApp via Twilio). Webhooks of object `whatsapp_business_account`; templates outside the window.
 */
export const whatsAppCloudAdapter: ChannelAdapter<WhatsAppCloudCredentials, MetaSettings> = {
  kind: 'whatsapp',
  credentialsSchema: whatsAppCloudCredentialsSchema,
  settingsSchema: metaSettingsSchema,
  replyWindowHours: META_REPLY_WINDOW_HOURS,
  supportsTemplates: true,
  handshake: (req, ctx) => metaHandshake(req, ctx.credentials.verifyToken),
  verify: (req, ctx) => verifyMetaSignature(req, ctx.credentials.appSecret),
  parse: (req, ctx) => parseWhatsAppWebhook(req, ctx),
  send: (msg, ctx) => sendWhatsAppMessage(msg, ctx),
  fetchAttachment: (url, ctx) => fetchMetaAttachment(url, ctx),
  testConnection: (ctx) =>
    testGraphObject(ctx, ctx.credentials.phoneNumberId, 'id,display_phone_number,verified_name', (n) => ({
      ok: true,
      details: { phoneNumberId: n.id, displayPhoneNumber: n.display_phone_number, verifiedName: n.verified_name },
    })),
};
