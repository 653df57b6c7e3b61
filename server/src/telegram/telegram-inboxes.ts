import type { ChannelAdapter, InboxKind } from '@switchboard/channels';
import type { TelegramContext } from '@switchboard/channels/telegram';
import { adapterContext } from '../domain/adapter-context.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import { syncLeaseRepo } from '../repositories/sync-lease.ts';
import type { Store } from '../repositories/store.ts';

export interface TelegramInboxSource {
  store: Store;
  secrets: SecretBox;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  fetch: typeof fetch;
  log: Logger;
}

/** A Telegram inbox in polling mode, with its validated context. */
export interface PollingInbox {
  id: string;
  workspaceId: string;
  settings: unknown;
  ctx: TelegramContext;
  /** Changes whenever credentials or settings change (the poller restarts). */
  version: string;
}

/** Every enabled Telegram inbox in polling mode (an inbox whose credentials no longer validate is logged and left out). */
export async function loadPollingInboxes(src: TelegramInboxSource): Promise<PollingInbox[]> {
  const adapter = src.adapterFor('telegram');
  if (!adapter) return [];
  const out: PollingInbox[] = [];
  for (const row of await syncLeaseRepo.enabledInboxes(src.store.prisma, 'telegram')) {
    try {
      const ctx = adapterContext(adapter, { ...row, kind: 'telegram' }, (sealed) => src.secrets.open(sealed), src.fetch) as TelegramContext;
      if (ctx.settings.mode !== 'polling') continue;
      out.push({ id: row.id, workspaceId: row.workspaceId, settings: row.settings, ctx, version: `${row.credentials ?? ''}|${JSON.stringify(row.settings)}` });
    } catch (err) {
      src.log.error({ err, inboxId: row.id }, 'telegram inbox credentials are unusable');
    }
  }
  return out;
}
