import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { metaAdapterBase } from './common.ts';
import { parseMessagingWebhook } from './messaging-parse.ts';
import { sendMessagingMessage } from './messaging-send.ts';
import { fetchMessengerProfile } from './profile.ts';
import { messengerCredentialsSchema, type MessengerCredentials, type MetaSettings } from './schema.ts';

/** Facebook Messenger for one Page: webhooks of object `page`, replies through the Send API. */
export const messengerAdapter: ChannelAdapter<MessengerCredentials, MetaSettings> = {
  ...metaAdapterBase<MessengerCredentials>(),
  kind: 'messenger',
  credentialsSchema: messengerCredentialsSchema,
  parse: (req, ctx) => parseMessagingWebhook(req, { object: 'page', identityKind: 'messenger', accountId: ctx.credentials.pageId }),
  fetchProfile: (identity, ctx) => fetchMessengerProfile(identity, ctx, ctx.credentials.pageId),
  send: (msg, ctx) => sendMessagingMessage(msg, ctx, { channel: 'Messenger', identityKind: 'messenger', accountId: ctx.credentials.pageId, maxText: 2000 }),
  testConnection: (ctx) =>
    testGraphObject(ctx, 'me', 'id,name', (me) =>
      me.id === ctx.credentials.pageId
        ? { ok: true, details: { pageId: me.id, name: me.name } }
        : { ok: false, problem: 'not_found', message: `The access token belongs to ${String(me.name ?? me.id)} (${String(me.id)}), not to page ${ctx.credentials.pageId}` },
    ),
};
