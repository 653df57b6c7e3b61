import type { IngestService } from '../domain/ingest-service.ts';
import { InboxWorkers } from '../sync/inbox-workers.ts';
import { LeasedWorker, type LeaseOptions } from '../sync/leased-worker.ts';
import type { InboxSource } from '../sync/inbox-source.ts';
import { loadPollingInboxes, type PollingInbox } from './telegram-inboxes.ts';
import { recordPollError, runPollSession } from './update-poller.ts';

export interface TelegramPollingOptions extends LeaseOptions {
  /** How often the inbox table is read for new, changed or deleted polling inboxes. */
  discoverMs: number;
  /** getUpdates long-poll wait. */
  pollTimeoutSeconds: number;
}

export const defaultTelegramPollingOptions: TelegramPollingOptions = {
  discoverMs: 15_000,
  pollTimeoutSeconds: 30,
  leaseMs: 60_000,
  leaseRetryMs: 15_000,
  backoffMinMs: 1_000,
  backoffMaxMs: 5 * 60_000,
};

/**
 * Long polling for Telegram inboxes without a public URL (`settings.mode: 'polling'`): one poller per inbox on
 * this instance, and a lease so that only one instance polls an inbox (Telegram allows one getUpdates at a time).
 */
export class TelegramPolling extends InboxWorkers<PollingInbox> {
  constructor(src: InboxSource, ingest: Pick<IngestService, 'ingest'>, options: Partial<TelegramPollingOptions> = {}) {
    const opts = { ...defaultTelegramPollingOptions, ...options };
    const log = src.log.child({ mod: 'telegram' });
    super({
      log,
      discoverMs: opts.discoverMs,
      load: () => loadPollingInboxes(src),
      create: (inbox, owner) => {
        const deps = { inbox, store: src.store, ingest, log: log.child({ inboxId: inbox.id }), owner, leaseMs: opts.leaseMs, pollTimeoutSeconds: opts.pollTimeoutSeconds };
        return new LeasedWorker({
          store: src.store,
          inboxId: inbox.id,
          owner,
          opts,
          log: deps.log,
          session: (s) => runPollSession(deps, s),
          onError: (err) => recordPollError(deps, err),
        });
      },
    });
  }
}
