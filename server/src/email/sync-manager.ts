import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { loadEmailInboxes, type EmailInboxSource } from './email-inboxes.ts';
import type { MailIntake } from './mail-intake.ts';
import { defaultMailboxSyncOptions, MailboxSync, type MailboxSyncOptions } from './mailbox-sync.ts';

export interface MailSyncManagerOptions extends MailboxSyncOptions {
  /** How often the inbox table is read for new, changed, disabled or deleted email inboxes. */
  discoverMs: number;
}

export const defaultMailSyncManagerOptions: MailSyncManagerOptions = { ...defaultMailboxSyncOptions, discoverMs: 15_000 };

/**
 * Runs one MailboxSync per enabled IMAP-mode email inbox on this instance (a lease decides which
 * instance actually syncs), following inbox changes; started and stopped with the server.
 */
export class MailSyncManager {
  readonly #src: EmailInboxSource;
  readonly #intake: MailIntake;
  readonly #opts: MailSyncManagerOptions;
  /** This instance's lease owner id. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly #syncs = new Map<string, MailboxSync>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();
  #stopped = true;

  constructor(src: EmailInboxSource, intake: MailIntake, opts: Partial<MailSyncManagerOptions> = {}) {
    this.#src = src;
    this.#intake = intake;
    this.#opts = { ...defaultMailSyncManagerOptions, ...opts };
  }

  /** Inbox ids this instance runs a sync for (it may be waiting for the lease). */
  get inboxIds(): string[] {
    return [...this.#syncs.keys()];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#opts.discoverMs);
    this.#timer.unref();
  }

  /** Re-reads the email inboxes now (also called after an inbox is created, changed or deleted). */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(() => this.#discover()).catch((err: unknown) => this.#src.log.error({ err, mod: 'email' }, 'email inbox discovery failed'));
    return this.#refreshing;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#refreshing;
    await Promise.all([...this.#syncs.values()].map((s) => s.stop()));
    this.#syncs.clear();
  }

  async #discover(): Promise<void> {
    if (this.#stopped) return;
    const available = this.#intake.available;
    const inboxes = available ? (await loadEmailInboxes(this.#src)).filter((i) => i.credentials.mode === 'imap' && i.credentials.imap) : [];
    if (this.#stopped) return;
    const wanted = new Map(inboxes.map((i) => [i.id, i]));
    for (const [id, sync] of this.#syncs) {
      if (wanted.get(id)?.version === sync.version) continue;
      this.#syncs.delete(id);
      this.#src.log.info({ mod: 'email', inboxId: id }, wanted.has(id) ? 'email inbox changed: restarting its sync' : 'email inbox gone or disabled: sync stopped');
      await sync.stop();
    }
    for (const inbox of inboxes) {
      if (this.#syncs.has(inbox.id)) continue;
      const sync = new MailboxSync({
        inbox,
        store: this.#src.store,
        intake: this.#intake,
        log: this.#src.log.child({ mod: 'email', inboxId: inbox.id }),
        owner: this.owner,
        opts: this.#opts,
      });
      this.#syncs.set(inbox.id, sync);
      sync.start();
    }
  }
}
