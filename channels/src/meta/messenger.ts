import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { fetchMetaAttachment } from './media.ts';
import { parseMessagingWebhook } from './messaging-parse.ts';
import { sendMessagingMessage } from './messaging-send.ts';
import { META_REPLY_WINDOW_HOURS, messengerCredentialsSchema, metaSettingsSchema, type MessengerCredentials, type MetaSettings } from './schema.ts';
import { metaHandshake, verifyMetaSignature } from './signature.ts';

/** Facebook Messenger for one Page: webhooks of object `page`, replies through the Send API. */
export const messengerAdapter: ChannelAdapter<MessengerCredentials, MetaSettings> = {
  kind: 'messenger',
  credentialsSchema: messengerCredentialsSchema,
  settingsSchema: metaSettingsSchema,
  replyWindowHours: META_REPLY_WINDOW_HOURS,
  handshake: (req, ctx) => metaHandshake(req, ctx.credentials.verifyToken),
  verify: (req, ctx) => verifyMetaSignature(req, ctx.credentials.appSecret),
  parse: (req, ctx) => parseMessagingWebhook(req, { object: 'page', identityKind: 'messenger', accountId: ctx.credentials.pageId }),
  send: (msg, ctx) => sendMessagingMessage(msg, ctx, { channel: 'Messenger', identityKind: 'messenger', accountId: ctx.credentials.pageId, maxText: 2000 }),
  fetchAttachment: (url, ctx) => fetchMetaAttachment(url, ctx),
  testConnection: (ctx) =>
    testGraphObject(ctx, 'me', 'id,name', (me) =>
      me.id === ctx.credentials.pageId
        ? { ok: true, details: { pageId: me.id, name: me.name } }
        : { ok: false, problem: 'not_found', message: `The access token belongs to ${String(me.name ?? me.id)} (${String(me.id)}), not to page ${ctx.credentials.pageId}` },
    ),
};
