import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger.ts';
import { syncLeaseRepo } from '../repositories/sync-lease.ts';
import type { Store } from '../repositories/store.ts';

export interface LeaseOptions {
  /** Lease lifetime; renewed every third of it while a session runs. */
  leaseMs: number;
  /** How often an instance that does not hold the lease tries again. */
  leaseRetryMs: number;
  backoffMinMs: number;
  backoffMaxMs: number;
}

/** A progress write found the lease taken by another instance (the session ends; the worker waits for the lease). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** A lease owner id for this process (one per manager). */
export const instanceOwner = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export interface LeasedSession {
  /** Aborted on stop and when the lease is lost. */
  signal: AbortSignal;
  /** The session is healthy: the next failure waits the shortest backoff again. */
  onHealthy(): void;
}

export interface LeasedWorkerDeps {
  store: Store;
  inboxId: string;
  owner: string;
  opts: LeaseOptions;
  log: Logger;
  /** One session while the lease is held: resolves when stopped, rejects on any error (run again after a backoff). */
  session(s: LeasedSession): Promise<void>;
  /** Records a failed session (the inbox's sync state shows it). */
  onError?(err: unknown): Promise<void>;
}

/**
 * Fetches for one inbox while this instance holds the inbox's lease (other instances wait), restarting the
 * session after any error with exponential backoff; `stop()` aborts the session and releases the lease.
 */
export class LeasedWorker {
  readonly #d: LeasedWorkerDeps;
  #stopped = false;
  #session: AbortController | undefined;
  #wakeSleep: () => void = () => {};
  #loop: Promise<void> | undefined;

  constructor(deps: LeasedWorkerDeps) {
    this.#d = deps;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#session?.abort();
    this.#wakeSleep();
    await this.#loop;
    await syncLeaseRepo.releaseLease(this.#d.store.prisma, this.#d.inboxId, this.#d.owner).catch(() => {});
  }

  async #run(): Promise<void> {
    const { store, inboxId, owner, opts, log } = this.#d;
    let delay = opts.backoffMinMs;
    while (!this.#stopped) {
      const leased = await syncLeaseRepo.acquireLease(store.prisma, inboxId, owner, opts.leaseMs).catch((err: unknown) => {
        log.error({ err }, 'could not take the sync lease');
        return false;
      });
      if (!leased) {
        await this.#sleep(opts.leaseRetryMs);
        continue;
      }
      const ac = new AbortController();
      this.#session = ac;
      const renew = setInterval(() => {
        void syncLeaseRepo.saveState(store.prisma, inboxId, owner, opts.leaseMs, {}).then(
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
        await this.#d.session({ signal: ac.signal, onHealthy: () => (delay = opts.backoffMinMs) });
      } catch (err) {
        if (this.#stopped) break;
        log.warn({ err, retryInMs: delay }, 'sync session failed; starting again');
        await this.#d.onError?.(err).catch(() => {});
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
