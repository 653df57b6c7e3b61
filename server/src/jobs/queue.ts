import { randomUUID } from 'node:crypto';
import type { Prisma } from '@switchboard/db';
import type { Logger } from '../lib/logger.ts';
import { jobsRepo, type JobRow } from '../repositories/jobs.ts';
import type { Db, Store } from '../repositories/store.ts';

/** Thrown by a handler for errors worth another try (provider 5xx, timeouts). */
export class RetryableError extends Error {
  override name = 'RetryableError';
  /** The earliest the next attempt may run (a provider's Retry-After); the backoff applies when it is longer. */
  readonly notBeforeMs: number | undefined;
  constructor(message: string, opts: { notBeforeMs?: number | undefined } = {}) {
    super(message);
    this.notBeforeMs = opts.notBeforeMs;
  }
}

export interface JobContext {
  id: bigint;
  attempt: number;
  /** true when this is the last attempt: a RetryableError now fails the job for good. */
  final: boolean;
}

export interface JobHandler<P> {
  run(payload: P, ctx: JobContext): Promise<void>;
  /** Called after a retry was scheduled (the job is pending again). */
  onRetry?(payload: P, error: Error, ctx: JobContext & { runAt: Date }): Promise<void>;
  /** Called once when the job gives up (permanent error, or retries exhausted). */
  onFailure?(payload: P, error: Error, ctx: JobContext): Promise<void>;
}

export interface QueueOptions {
  /** First retry delay; doubles per attempt, with jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  /** A running job whose worker vanished (crash) is taken over after this long. */
  leaseMs: number;
  concurrency: number;
}

export const defaultQueueOptions: QueueOptions = {
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  pollMs: 1_000,
  // Longer than any handler may run (channel sends time out after 10 s).
  leaseMs: 2 * 60_000,
  concurrency: 8,
};

/** A provider's Retry-After is honoured up to an hour (a larger one is taken as an hour). */
const MAX_NOT_BEFORE_MS = 60 * 60_000;

export function backoffDelay(attempt: number, o: Pick<QueueOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.8 + Math.random() * 0.4));
}

/**
 * Durable jobs in the database: enqueued in the caller's transaction (so a reply and its send job
 * commit together), claimed with FOR UPDATE SKIP LOCKED, retried with exponential backoff,
 * and picked up again after a restart. Same SQL on PGlite and PostgreSQL.
 */
export class JobQueue {
  readonly #store: Store;
  readonly #log: Logger;
  readonly #opts: QueueOptions;
  readonly #handlers = new Map<string, JobHandler<unknown>>();
  readonly #workerId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  #timer: NodeJS.Timeout | undefined;
  #running = 0;
  #polling = false;
  #again = false;
  #stopped = true;
  #idle = new Set<() => void>();

  constructor(store: Store, log: Logger, opts: Partial<QueueOptions> = {}) {
    this.#store = store;
    this.#log = log;
    this.#opts = { ...defaultQueueOptions, ...opts };
  }

  register<P>(queue: string, handler: JobHandler<P>): void {
    this.#handlers.set(queue, handler as JobHandler<unknown>);
  }

  /** Adds a job inside the caller's transaction; the worker wakes when that transaction commits. */
  async enqueue(tx: Db, queue: string, payload: Prisma.InputJsonValue, opts: { runAt?: Date; maxAttempts?: number; singletonKey?: string } = {}) {
    const job = await jobsRepo.enqueue(tx, { queue, payload, ...opts });
    this.#store.afterCommit(tx, () => this.kick());
    return job;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#running > 0 || this.#polling) await new Promise<void>((r) => this.#idle.add(r));
  }

  /** Look for work now (after a commit that may have enqueued something). */
  kick(): void {
    if (this.#stopped) return;
    if (this.#polling) this.#again = true;
    else this.#schedule(0);
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#poll(), ms);
    this.#timer.unref?.();
  }

  async #poll(): Promise<void> {
    if (this.#stopped || this.#polling) return;
    this.#polling = true;
    this.#again = false;
    try {
      const free = this.#opts.concurrency - this.#running;
      if (free > 0 && this.#handlers.size > 0) {
        const jobs = await jobsRepo.claim(this.#store.prisma, this.#workerId, [...this.#handlers.keys()], free, this.#opts.leaseMs);
        for (const job of jobs) void this.#execute(job);
        if (jobs.length === free) this.#again = true;
      }
    } catch (err) {
      this.#log.error({ err }, 'job poll failed');
    } finally {
      this.#polling = false;
      this.#settle();
    }
    if (!this.#stopped) this.#schedule(this.#again ? 0 : await this.#untilNext());
  }

  async #untilNext(): Promise<number> {
    try {
      const next = await jobsRepo.nextRunAt(this.#store.prisma, [...this.#handlers.keys()]);
      if (!next) return this.#opts.pollMs;
      return Math.max(0, Math.min(this.#opts.pollMs, next.getTime() - Date.now()));
    } catch {
      return this.#opts.pollMs;
    }
  }

  async #execute(job: JobRow): Promise<void> {
    this.#running++;
    const handler = this.#handlers.get(job.queue);
    const ctx: JobContext = { id: job.id, attempt: job.attempts, final: job.attempts >= job.maxAttempts };
    try {
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      await handler.run(job.payload, ctx);
      await jobsRepo.complete(this.#store.prisma, job.id);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      await this.#afterError(job, handler, err, ctx).catch((err2: unknown) =>
        this.#log.error({ err: err2, jobId: String(job.id) }, 'could not record job failure'),
      );
    } finally {
      this.#running--;
      this.#settle();
      this.kick();
    }
  }

  async #afterError(job: JobRow, handler: JobHandler<unknown> | undefined, err: Error, ctx: JobContext) {
    if (err instanceof RetryableError && !ctx.final) {
      const delay = Math.max(backoffDelay(job.attempts, this.#opts), Math.min(err.notBeforeMs ?? 0, MAX_NOT_BEFORE_MS));
      this.#log.warn({ jobId: String(job.id), queue: job.queue, attempt: job.attempts, delay, err: err.message }, 'job will retry');
      const runAt = new Date(Date.now() + delay);
      await jobsRepo.retryLater(this.#store.prisma, job.id, runAt, err.message);
      await handler?.onRetry?.(job.payload, err, { ...ctx, runAt });
      return;
    }
    this.#log.error({ jobId: String(job.id), queue: job.queue, attempt: job.attempts, err: err.message }, 'job failed');
    await handler?.onFailure?.(job.payload, err, ctx);
    await jobsRepo.fail(this.#store.prisma, job.id, err.message);
  }

  #settle(): void {
    if (this.#running === 0 && !this.#polling) {
      for (const r of this.#idle) r();
      this.#idle.clear();
    }
  }
}
