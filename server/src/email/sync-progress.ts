import type { Prisma } from '@switchboard/db';
import { syncLeaseRepo } from '../repositories/sync-lease.ts';
import { LeaseLostError } from '../sync/leased-worker.ts';
import type { Store } from '../repositories/store.ts';
import { emptySyncState, type MailSyncState } from './types.ts';

/**
 * The sync state of one inbox in memory, written to `Inbox.syncState` only while this instance holds
 * the inbox's lease (each write renews it; a write that finds the lease gone throws LeaseLostError).
 */
export class SyncProgress {
  readonly state: MailSyncState;
  readonly #store: Store;
  readonly #inboxId: string;
  readonly #owner: string;
  readonly #leaseMs: number;

  private constructor(store: Store, inboxId: string, owner: string, leaseMs: number, state: MailSyncState) {
    this.#store = store;
    this.#inboxId = inboxId;
    this.#owner = owner;
    this.#leaseMs = leaseMs;
    this.state = state;
  }

  static async load(store: Store, inboxId: string, owner: string, leaseMs: number): Promise<SyncProgress> {
    const stored = (await syncLeaseRepo.syncState(store.prisma, inboxId)) ?? {};
    const state = { ...emptySyncState(), ...(stored as Partial<MailSyncState>) };
    return new SyncProgress(store, inboxId, owner, leaseMs, state);
  }

  /** Applies `patch` and writes the whole state (renewing the lease). */
  async save(patch: Partial<MailSyncState> = {}): Promise<void> {
    Object.assign(this.state, patch);
    const ok = await syncLeaseRepo.saveState(this.#store.prisma, this.#inboxId, this.#owner, this.#leaseMs, this.state as unknown as Prisma.InputJsonValue);
    if (!ok) throw new LeaseLostError('another instance took over this inbox');
  }

  /** Renews the lease without changing the state. false: lost. */
  renew(): Promise<boolean> {
    return syncLeaseRepo.saveState(this.#store.prisma, this.#inboxId, this.#owner, this.#leaseMs, {});
  }
}
