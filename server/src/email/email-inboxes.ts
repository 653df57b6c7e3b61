import type { ChannelAdapter, InboxKind } from '@switchboard/channels';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import { mailSyncRepo } from '../repositories/mail-sync.ts';
import type { Store } from '../repositories/store.ts';
import type { EmailCredentials, EmailInbox } from './types.ts';
import { adapterContext } from '../domain/adapter-context.ts';

export interface EmailInboxSource {
  store: Store;
  secrets: SecretBox;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  log: Logger;
}

/**
 * Every enabled email inbox with its opened, validated credentials (an inbox whose credentials do not
 * validate is logged and left out). Empty while no email adapter is registered.
 */
export async function loadEmailInboxes(src: EmailInboxSource): Promise<EmailInbox[]> {
  const adapter = src.adapterFor('email');
  if (!adapter) return [];
  const rows = await mailSyncRepo.emailInboxes(src.store.prisma);
  const out: EmailInbox[] = [];
  for (const row of rows) {
    try {
      const ctx = adapterContext(adapter, { ...row, kind: 'email' }, (sealed) => src.secrets.open(sealed), globalThis.fetch);
      out.push({
        id: row.id,
        workspaceId: row.workspaceId,
        publicToken: row.publicToken,
        settings: row.settings,
        credentials: ctx.credentials as EmailCredentials,
        ctx,
        version: `${row.credentials ?? ''}|${JSON.stringify(row.settings)}`,
      });
    } catch (err) {
      src.log.error({ err, inboxId: row.id }, 'email inbox credentials are unusable');
    }
  }
  return out;
}
