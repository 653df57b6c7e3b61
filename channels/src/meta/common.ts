import type { ChannelAdapter } from '../contract.ts';
import { fetchMetaAttachment } from './media.ts';
import { META_REPLY_WINDOW_HOURS, metaSettingsSchema, type MetaCredentials, type MetaSettings } from './schema.ts';
import { checkMetaFreshness } from './freshness.ts';
import { META_SIGNATURE_HEADER, metaHandshake, verifyMetaSignature } from './signature.ts';
import { signedRequestKey } from '../util/replay.ts';

/** What the three Meta adapters share: settings, the 24-hour window, the webhook checks (signature, staleness, replays) and file downloads. */
export function metaAdapterBase<C extends MetaCredentials>(): Pick<
  ChannelAdapter<C, MetaSettings>,
  'settingsSchema' | 'replyWindowHours' | 'handshake' | 'verify' | 'replayKey' | 'fetchAttachment'
> {
  return {
    settingsSchema: metaSettingsSchema,
    replyWindowHours: META_REPLY_WINDOW_HOURS,
    handshake: (req, ctx) => metaHandshake(req, ctx.credentials.verifyToken),
    verify: (req, ctx) => {
      const signed = verifyMetaSignature(req, ctx.credentials.appSecret);
      return signed.ok ? checkMetaFreshness(req, ctx.now()) : signed;
    },
    // Meta re-sends an unacknowledged payload as it was: the same bytes and signature.
    replayKey: (req) => signedRequestKey(req, [META_SIGNATURE_HEADER]),
    fetchAttachment: (url, ctx) => fetchMetaAttachment(url, ctx),
  };
}
