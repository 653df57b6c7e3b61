import type { IngestService } from '../domain/ingest-service.ts';
import { InboxWorkers } from '../sync/inbox-workers.ts';
import { loadEmailInboxes, rawMailParser, type EmailInboxSource } from './email-inboxes.ts';
import { defaultMailboxSyncOptions, MailboxSync, type MailboxSyncOptions } from './mailbox-sync.ts';
import type { EmailInbox } from './types.ts';

export interface MailSyncManagerOptions extends MailboxSyncOptions {
  /** How often the inbox table is read for new, changed, disabled or deleted email inboxes. */
  discoverMs: number;
}

export const defaultMailSyncManagerOptions: MailSyncManagerOptions = { ...defaultMailboxSyncOptions, discoverMs: 15_000 };

/**
 * Runs one MailboxSync per enabled IMAP-mode email inbox on this instance (a lease decides which
 * instance actually syncs), following inbox changes; started and stopped with the server.
 */
export class MailSyncManager extends InboxWorkers<EmailInbox> {
  constructor(src: EmailInboxSource, ingest: Pick<IngestService, 'ingest' | 'applyStatuses'>, options: Partial<MailSyncManagerOptions> = {}) {
    const opts = { ...defaultMailSyncManagerOptions, ...options };
    const log = src.log.child({ mod: 'email' });
    super({
      log,
      discoverMs: opts.discoverMs,
      load: async () => (rawMailParser(src.adapterFor) ? (await loadEmailInboxes(src)).filter((i) => i.credentials.mode === 'imap' && i.credentials.imap) : []),
      create: (inbox, owner) =>
        new MailboxSync({
          inbox,
          store: src.store,
          ingest,
          // load() returned this inbox, so the email adapter (and its parseRaw) is registered.
          parse: rawMailParser(src.adapterFor)!,
          log: log.child({ inboxId: inbox.id }),
          owner,
          opts,
        }),
    });
  }
}
