import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { fetchMetaAttachment } from './media.ts';
import { parseMessagingWebhook } from './messaging-parse.ts';
import { sendMessagingMessage } from './messaging-send.ts';
import { META_REPLY_WINDOW_HOURS, instagramCredentialsSchema, metaSettingsSchema, type InstagramCredentials, type MetaSettings } from './schema.ts';
import { metaHandshake, verifyMetaSignature } from './signature.ts';

/** Instagram Direct for one professional account: webhooks of object `instagram`, replies through `me/messages`. */
export const instagramAdapter: ChannelAdapter<InstagramCredentials, MetaSettings> = {
  kind: 'instagram',
  credentialsSchema: instagramCredentialsSchema,
  settingsSchema: metaSettingsSchema,
  replyWindowHours: META_REPLY_WINDOW_HOURS,
  handshake: (req, ctx) => metaHandshake(req, ctx.credentials.verifyToken),
  verify: (req, ctx) => verifyMetaSignature(req, ctx.credentials.appSecret),
  parse: (req, ctx) => parseMessagingWebhook(req, { object: 'instagram', identityKind: 'instagram', accountId: ctx.credentials.instagramAccountId }),
  send: (msg, ctx) =>
    sendMessagingMessage(msg, ctx, { channel: 'Instagram', identityKind: 'instagram', accountId: ctx.credentials.instagramAccountId, maxText: 1000 }),
  fetchAttachment: (url, ctx) => fetchMetaAttachment(url, ctx),
  testConnection: (ctx) =>
    testGraphObject(ctx, ctx.credentials.instagramAccountId, 'id,username', (account) => ({ ok: true, details: { instagramAccountId: account.id, username: account.username } })),
};
