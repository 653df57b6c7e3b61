import type { AdapterContext, ChannelAdapter, InboxKind } from '@switchboard/channels';
import { adapterContext } from '../domain/adapter-context.ts';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import { syncLeaseRepo } from '../repositories/sync-lease.ts';
import type { Store } from '../repositories/store.ts';

/** What the server parts that fetch or receive outside webhooks (IMAP sync, SMTP endpoint, Telegram polling) need. */
export interface InboxSource {
  store: Store;
  secrets: SecretBox;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  log: Logger;
  /** The fetch adapters use (default: global fetch). */
  fetch?: typeof fetch;
}

/** An enabled inbox with its adapter context (opened, validated credentials and settings). */
export interface LoadedInbox {
  id: string;
  workspaceId: string;
  publicToken: string;
  settings: unknown;
  ctx: AdapterContext;
  /** Changes whenever credentials or settings change (workers restart). */
  version: string;
}

/**
 * Every enabled inbox of `kind` with its context; an inbox whose credentials or settings no longer validate is
 * logged and left out. Empty while no adapter of that kind is registered.
 */
export async function loadEnabledInboxes(src: InboxSource, kind: InboxKind): Promise<LoadedInbox[]> {
  const adapter = src.adapterFor(kind);
  if (!adapter) return [];
  const out: LoadedInbox[] = [];
  for (const row of await syncLeaseRepo.enabledInboxes(src.store.prisma, kind)) {
    try {
      const ctx = adapterContext(adapter, { ...row, kind }, (sealed) => src.secrets.open(sealed), src.fetch ?? globalThis.fetch);
      const { id, workspaceId, publicToken, settings } = row;
      out.push({ id, workspaceId, publicToken, settings, ctx, version: `${row.credentials ?? ''}|${JSON.stringify(row.settings)}` });
    } catch (err) {
      src.log.error({ err, inboxId: row.id }, `${kind} inbox credentials are unusable`);
    }
  }
  return out;
}
