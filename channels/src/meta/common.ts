import type { ChannelAdapter } from '../contract.ts';
import { fetchMetaAttachment } from './media.ts';
import { META_REPLY_WINDOW_HOURS, metaSettingsSchema, type MetaCredentials, type MetaSettings } from './schema.ts';
import { metaHandshake, verifyMetaSignature } from './signature.ts';

/** What the three Meta adapters share: settings, the 24-hour window, the webhook checks and file downloads. */
export function metaAdapterBase<C extends MetaCredentials>(): Pick<
  ChannelAdapter<C, MetaSettings>,
  'settingsSchema' | 'replyWindowHours' | 'handshake' | 'verify' | 'fetchAttachment'
> {
  return {
    settingsSchema: metaSettingsSchema,
    replyWindowHours: META_REPLY_WINDOW_HOURS,
    handshake: (req, ctx) => metaHandshake(req, ctx.credentials.verifyToken),
    verify: (req, ctx) => verifyMetaSignature(req, ctx.credentials.appSecret),
    fetchAttachment: (url, ctx) => fetchMetaAttachment(url, ctx),
  };
}
