import type { Logger } from '../lib/logger.ts';
import type { Store } from '../repositories/store.ts';
import { LeasedWorker, type LeaseOptions } from '../sync/leased-worker.ts';
import { runImapSession, type SessionOptions } from './imap-session.ts';
import type { MailIntake } from './mail-intake.ts';
import { SyncProgress } from './sync-progress.ts';
import type { EmailInbox, EmailSettings } from './types.ts';

export interface MailboxSyncOptions extends Omit<SessionOptions, 'pollIntervalMs' | 'backfillDays'>, LeaseOptions {
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
  readonly #worker: LeasedWorker;

  constructor(deps: MailboxSyncDeps) {
    this.#d = deps;
    const { inbox, store, owner, opts, log } = deps;
    const settings = (inbox.ctx.settings ?? {}) as EmailSettings; // validated by the adapter (defaults applied)
    const session: SessionOptions = {
      ...opts,
      pollIntervalMs: opts.pollIntervalMs ?? (settings.pollIntervalSeconds ?? 60) * 1000,
      backfillDays: settings.backfillDays ?? 30,
    };
    let progress: SyncProgress | undefined;
    this.#worker = new LeasedWorker({
      store,
      inboxId: inbox.id,
      owner,
      opts,
      log,
      session: async ({ signal, onHealthy }) => {
        progress = undefined;
        progress = await SyncProgress.load(store, inbox.id, owner, opts.leaseMs);
        await progress.save({ status: 'connecting' });
        log.info({ lastUid: progress.state.lastUid }, 'connecting to IMAP');
        await runImapSession({ ...this.#d, progress, opts: session, signal, onHealthy });
      },
      onError: async (err) => {
        await progress?.save({ status: 'error', lastError: err instanceof Error ? err.message : String(err) });
      },
    });
  }

  start(): void {
    this.#worker.start();
  }

  stop(): Promise<void> {
    return this.#worker.stop();
  }
}
