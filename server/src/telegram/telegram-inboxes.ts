import type { TelegramContext } from '@switchboard/channels/telegram';
import { loadEnabledInboxes, type InboxSource, type LoadedInbox } from '../sync/inbox-source.ts';

/** A Telegram inbox in polling mode, with its validated context. */
export interface PollingInbox extends LoadedInbox {
  ctx: TelegramContext;
}

/** Every enabled Telegram inbox in polling mode. */
export async function loadPollingInboxes(src: InboxSource): Promise<PollingInbox[]> {
  return (await loadEnabledInboxes(src, 'telegram')).filter((i): i is PollingInbox => (i.ctx as TelegramContext).settings.mode === 'polling');
}
