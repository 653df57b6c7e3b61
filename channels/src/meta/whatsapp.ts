import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { metaAdapterBase } from './common.ts';
import { whatsAppCloudCredentialsSchema, type MetaSettings, type WhatsAppCloudCredentials } from './schema.ts';
import { parseWhatsAppWebhook } from './whatsapp-parse.ts';
import { sendWhatsAppMessage } from './whatsapp-send.ts';

/**
 * WhatsApp through Meta's Cloud API for one phone number (`credentials.provider: 'cloud'`; the `whatsapp` kind is
 * shared with WhatsApp via Twilio). Webhooks of object `whatsapp_business_account`; templates outside the window.
 */
export const whatsAppCloudAdapter: ChannelAdapter<WhatsAppCloudCredentials, MetaSettings> = {
  ...metaAdapterBase<WhatsAppCloudCredentials>(),
  kind: 'whatsapp',
  credentialsSchema: whatsAppCloudCredentialsSchema,
  supportsTemplates: true,
  parse: (req, ctx) => parseWhatsAppWebhook(req, ctx),
  send: (msg, ctx) => sendWhatsAppMessage(msg, ctx),
  testConnection: (ctx) =>
    testGraphObject(ctx, ctx.credentials.phoneNumberId, 'id,display_phone_number,verified_name', (n) => ({
      ok: true,
      details: { phoneNumberId: n.id, displayPhoneNumber: n.display_phone_number, verifiedName: n.verified_name },
    })),
};
