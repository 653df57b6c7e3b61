import type { ChannelAdapter } from '../contract.ts';
import { testGraphObject } from './connection.ts';
import { metaAdapterBase } from './common.ts';
import { parseMessagingWebhook } from './messaging-parse.ts';
import { sendMessagingMessage } from './messaging-send.ts';
import { fetchInstagramProfile } from './profile.ts';
import { instagramCredentialsSchema, type InstagramCredentials, type MetaSettings } from './schema.ts';

/** Instagram Direct for one professional account: webhooks of object `instagram`, replies through `me/messages`. */
export const instagramAdapter: ChannelAdapter<InstagramCredentials, MetaSettings> = {
  ...metaAdapterBase<InstagramCredentials>(),
  kind: 'instagram',
  credentialsSchema: instagramCredentialsSchema,
  parse: (req, ctx) => parseMessagingWebhook(req, { object: 'instagram', identityKind: 'instagram', accountId: ctx.credentials.instagramAccountId }),
  fetchProfile: (identity, ctx) => fetchInstagramProfile(identity, ctx, ctx.credentials.instagramAccountId),
  send: (msg, ctx) =>
    sendMessagingMessage(msg, ctx, { channel: 'Instagram', identityKind: 'instagram', accountId: ctx.credentials.instagramAccountId, maxText: 1000 }),
  testConnection: (ctx) =>
    testGraphObject(ctx, ctx.credentials.instagramAccountId, 'id,username', (account) => ({ ok: true, details: { instagramAccountId: account.id, username: account.username } })),
};
