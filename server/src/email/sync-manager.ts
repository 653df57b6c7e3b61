import { InboxWorkers } from '../sync/inbox-workers.ts';
import { loadEmailInboxes, type EmailInboxSource } from './email-inboxes.ts';
import type { MailIntake } from './mail-intake.ts';
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
  constructor(src: EmailInboxSource, intake: MailIntake, options: Partial<MailSyncManagerOptions> = {}) {
    const opts = { ...defaultMailSyncManagerOptions, ...options };
    const log = src.log.child({ mod: 'email' });
    super({
      log,
      discoverMs: opts.discoverMs,
      // Nothing to sync while no email adapter is registered.
      load: async () => (intake.available ? (await loadEmailInboxes(src)).filter((i) => i.credentials.mode === 'imap' && i.credentials.imap) : []),
      create: (inbox, owner) => new MailboxSync({ inbox, store: src.store, intake, log: log.child({ inboxId: inbox.id }), owner, opts }),
    });
  }
}
