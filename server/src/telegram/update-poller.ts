import { pollTelegramUpdates } from '@switchboard/channels/telegram';
import type { Prisma } from '@switchboard/db';
import type { IngestService } from '../domain/ingest-service.ts';
import type { Logger } from '../lib/logger.ts';
import { syncLeaseRepo } from '../repositories/sync-lease.ts';
import type { Store } from '../repositories/store.ts';
import { LeaseLostError, type LeasedSession } from '../sync/leased-worker.ts';
import type { PollingInbox } from './telegram-inboxes.ts';

/** `Inbox.syncState` of a Telegram inbox in polling mode, as shown in `GET /api/inboxes`. */
export interface TelegramPollState {
  mode: 'polling';
  /** The next update id wanted: every update below it is stored (and confirmed to Telegram by the next poll). */
  offset: number | null;
  status: 'polling' | 'error';
  lastError: string | null;
  lastPollAt: string | null;
  messagesIngested: number;
  /** Updates that could not be parsed (skipped, logged). */
  failures: number;
}

export interface PollSessionDeps {
  inbox: PollingInbox;
  store: Store;
  ingest: Pick<IngestService, 'ingest'>;
  log: Logger;
  owner: string;
  leaseMs: number;
  /** getUpdates long-poll wait (Telegram allows up to 50 s). */
  pollTimeoutSeconds: number;
}

/**
 * Long-polls getUpdates while the lease is held: each batch goes through the adapter's parser (the webhook's)
 * and the one ingest path, and only then is the offset after it saved. A crash between the two polls the batch
 * again, and the stored messages' provider ids make the second ingest store nothing new.
 */
export async function runPollSession(d: PollSessionDeps, { signal, onHealthy }: LeasedSession): Promise<void> {
  const { inbox, store, log } = d;
  const stored = ((await syncLeaseRepo.syncState(store.prisma, inbox.id)) ?? {}) as Partial<TelegramPollState>;
  const state: TelegramPollState = {
    mode: 'polling',
    offset: typeof stored.offset === 'number' ? stored.offset : null,
    status: 'polling',
    lastError: null,
    lastPollAt: stored.lastPollAt ?? null,
    messagesIngested: stored.messagesIngested ?? 0,
    failures: stored.failures ?? 0,
  };
  const save = async (patch: Partial<TelegramPollState> = {}) => {
    Object.assign(state, patch);
    const ok = await syncLeaseRepo.saveState(store.prisma, inbox.id, d.owner, d.leaseMs, state as unknown as Prisma.InputJsonValue);
    if (!ok) throw new LeaseLostError('another instance took over this inbox');
  };
  await save();
  log.info({ offset: state.offset }, 'polling Telegram for updates');
  for (let first = true; !signal.aborted; first = false) {
    let batch;
    try {
      batch = await pollTelegramUpdates(inbox.ctx, { offset: state.offset, timeoutSeconds: d.pollTimeoutSeconds, signal });
    } catch (err) {
      if (signal.aborted) return; // stopped during the long poll
      throw err;
    }
    if (first) onHealthy();
    let ingested = 0;
    let failures = 0;
    for (const update of batch) {
      if ('error' in update) {
        log.warn({ updateId: update.updateId, reason: update.error.message }, 'skipped a malformed Telegram update');
        failures++;
        continue;
      }
      const results = await d.ingest.ingest(inbox, update.parsed.messages);
      ingested += results.filter((r) => r.created).length;
    }
    const last = batch.at(-1);
    await save({
      ...(last && { offset: last.updateId + 1 }),
      lastPollAt: new Date().toISOString(),
      messagesIngested: state.messagesIngested + ingested,
      failures: state.failures + failures,
    });
  }
}

/** A failed session as the inbox's sync state shows it (only while this instance holds the lease). */
export async function recordPollError(d: Pick<PollSessionDeps, 'store' | 'inbox' | 'owner' | 'leaseMs'>, err: unknown): Promise<void> {
  const lastError = err instanceof Error ? err.message : String(err);
  await syncLeaseRepo.saveState(d.store.prisma, d.inbox.id, d.owner, d.leaseMs, { mode: 'polling', status: 'error', lastError });
}
