import { z } from 'zod';

/** Where the Graph API is reached. Tests (and proxies) point `graphBaseUrl` elsewhere. */
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com';
export const DEFAULT_GRAPH_VERSION = 'v25.0';

/** Meta's standard messaging window: free-form replies within 24 hours of the customer's last message. */
export const META_REPLY_WINDOW_HOURS = 24;

const secret = (what: string) => z.string().trim().min(1, `${what} is required`).max(1024);
const graphId = (what: string) => z.string().trim().regex(/^\d{1,32}$/, `${what} must be a numeric id`);

/** What every Meta inbox needs: the app's secret (signatures), the verify token (subscription), a token. */
const metaCommon = {
  /** App secret (App settings → Basic): signs every webhook (`X-Hub-Signature-256`). */
  appSecret: secret('appSecret'),
  /** Any string you choose and type into the app's webhook settings (the `hub.verify_token` check). */
  verifyToken: z.string().trim().min(8, 'verifyToken must be at least 8 characters').max(256),
  /** Page access token (Messenger, Instagram) or system-user token (WhatsApp). */
  accessToken: secret('accessToken'),
};

export const messengerCredentialsSchema = z.object({ ...metaCommon, pageId: graphId('pageId') });
export type MessengerCredentials = z.output<typeof messengerCredentialsSchema>;

export const instagramCredentialsSchema = z.object({
  ...metaCommon,
  /** The Instagram professional account's id (the `recipient.id` of inbound messages). */
  instagramAccountId: graphId('instagramAccountId'),
});
export type InstagramCredentials = z.output<typeof instagramCredentialsSchema>;

export const whatsAppCloudCredentialsSchema = z.object({
  /** WhatsApp inboxes are served by Twilio or by Meta's Cloud API; this one is the Cloud API. */
  provider: z.literal('cloud').default('cloud'),
  ...metaCommon,
  phoneNumberId: graphId('phoneNumberId'),
  businessAccountId: graphId('businessAccountId').optional(),
});
export type WhatsAppCloudCredentials = z.output<typeof whatsAppCloudCredentialsSchema>;

export const metaSettingsSchema = z.looseObject({
  graphBaseUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default(DEFAULT_GRAPH_BASE_URL)
    .transform((u) => u.replace(/\/+$/, '')),
  graphApiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v25.0')
    .default(DEFAULT_GRAPH_VERSION),
});
export type MetaSettings = z.output<typeof metaSettingsSchema>;

/** Credentials every Meta adapter has. */
export type MetaCredentials = z.output<z.ZodObject<typeof metaCommon>>;
