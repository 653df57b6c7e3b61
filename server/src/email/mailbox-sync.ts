import type { Logger } from '../lib/logger.ts';
import { mailSyncRepo } from '../repositories/mail-sync.ts';
import type { Store } from '../repositories/store.ts';
import { runImapSession, type SessionOptions } from './imap-session.ts';
import type { MailIntake } from './mail-intake.ts';
import { SyncProgress } from './sync-progress.ts';
import type { EmailInbox, EmailSettings } from './types.ts';

export interface MailboxSyncOptions extends Omit<SessionOptions, 'pollIntervalMs' | 'backfillDays'> {
  /** Lease lifetime; renewed every third of it while syncing. */
  leaseMs: number;
  /** How often an instance that does not hold the lease tries again. */
  leaseRetryMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  /** Overrides the inbox's pollIntervalSeconds (tests). */
  pollIntervalMs?: number;
}

export const defaultMailboxSyncOptions: MailboxSyncOptions = {
  batchSize: 100,
  saveEvery: 25,
  streamAboveBytes: 1024 * 1024,
  fetchBytes: 16 * 1024 * 1024,
  parseAhead: 8,
  downloadChunkBytes: 1024 * 1024,
  connectTimeoutMs: 30_000,
  socketTimeoutMs: 5 * 60_000,
  leaseMs: 60_000,
  leaseRetryMs: 15_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 5 * 60_000,
};

export interface MailboxSyncDeps {
  inbox: EmailInbox;
  store: Store;
  intake: MailIntake;
  log: Logger;
  owner: string;
  opts: MailboxSyncOptions;
}

/**
 * Keeps one IMAP inbox in sync while this instance holds its lease: sessions (see imap-session.ts)
 * restarted after any error with exponential backoff (reset after a healthy session).
 */
export class MailboxSync {
  readonly #d: MailboxSyncDeps;
  #stopped = false;
  #session: AbortController | undefined;
  #wakeSleep: () => void = () => {};
  #loop: Promise<void> | undefined;

  constructor(deps: MailboxSyncDeps) {
    this.#d = deps;
  }

  get version(): string {
    return this.#d.inbox.version;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#session?.abort();
    this.#wakeSleep();
    await this.#loop;
    await mailSyncRepo.releaseLease(this.#d.store.prisma, this.#d.inbox.id, this.#d.owner).catch(() => {});
  }

  async #run(): Promise<void> {
    const { inbox, store, owner, opts, log } = this.#d;
    const settings = (inbox.ctx.settings ?? {}) as EmailSettings; // validated by the adapter (defaults applied)
    const session: SessionOptions = {
      ...opts,
      pollIntervalMs: opts.pollIntervalMs ?? (settings.pollIntervalSeconds ?? 60) * 1000,
      backfillDays: settings.backfillDays ?? 30,
    };
    let delay = opts.backoffMinMs;
    while (!this.#stopped) {
      const leased = await mailSyncRepo.acquireLease(store.prisma, inbox.id, owner, opts.leaseMs).catch((err: unknown) => {
        log.error({ err }, 'could not take the sync lease');
        return false;
      });
      if (!leased) {
        await this.#sleep(opts.leaseRetryMs);
        continue;
      }
      const ac = new AbortController();
      this.#session = ac;
      let progress: SyncProgress | undefined;
      const renew = setInterval(() => {
        void progress?.renew().then(
          (ok) => {
            if (!ok) {
              log.warn('sync lease lost: another instance took over');
              ac.abort();
            }
          },
          (err: unknown) => log.warn({ err }, 'could not renew the sync lease'),
        );
      }, Math.max(50, Math.floor(opts.leaseMs / 3)));
      try {
        progress = await SyncProgress.load(store, inbox.id, owner, opts.leaseMs);
        await progress.save({ status: 'connecting' });
        log.info({ lastUid: progress.state.lastUid }, 'connecting to IMAP');
        await runImapSession({ ...this.#d, progress, opts: session, signal: ac.signal, onHealthy: () => (delay = opts.backoffMinMs) });
      } catch (err) {
        if (this.#stopped) break;
        const message = err instanceof Error ? err.message : String(err);
        log.warn({ err, retryInMs: delay }, 'IMAP sync failed; reconnecting');
        await progress?.save({ status: 'error', lastError: message }).catch(() => {});
      } finally {
        clearInterval(renew);
        this.#session = undefined;
      }
      if (this.#stopped) break;
      await this.#sleep(delay);
      delay = Math.min(delay * 2, opts.backoffMaxMs);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wakeSleep = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
