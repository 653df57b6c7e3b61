import type { Logger } from '../lib/logger.ts';
import { eventsRepo } from '../repositories/events.ts';
import type { Store } from '../repositories/store.ts';
import { toPublished, type PublishedEvent } from './relay.ts';

const PAGE = 500;

/**
 * One instance's ordered stream of published events: hands every numbered, committed event to
 * `emit` exactly once and strictly in seq order, whichever instance's relay numbered it.
 *
 * Relays number events under an advisory lock held until their transaction ends, so committed
 * seqs always form a prefix of the sequence (apart from events deleted with their workspace).
 * The feed keeps a cursor (the last seq it emitted); batches the local relay or other instances
 * offer are emitted directly when they continue the cursor, otherwise (or on the poll, the safety
 * net for lost pub/sub messages) the feed reads `seq > cursor` from the table. A socket that
 * joins its rooms before reading its replay from the table therefore misses nothing: an event
 * emitted before the join was committed before it, so the replay contains it.
 */
export class EventFeed {
  readonly #store: Store;
  readonly #emit: (e: PublishedEvent) => void;
  readonly #log: Logger;
  readonly #pollMs: number;
  #cursor = 0;
  #started = false;
  #stopped = false;
  #offered = new Map<number, PublishedEvent>();
  #read = false;
  #running: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #readsStarted = 0;
  /** flush() callers: resolved by the first complete read of the table that started after `after` reads. */
  #waiters: Array<{ after: number; resolve: () => void }> = [];

  constructor(store: Store, emit: (e: PublishedEvent) => void, log: Logger, pollMs = 500) {
    this.#store = store;
    this.#emit = emit;
    this.#log = log;
    this.#pollMs = pollMs;
  }

  /** The last seq emitted. */
  get cursor(): number {
    return this.#cursor;
  }

  /** Starts after everything already committed: sockets get older events from their replay. */
  async start(): Promise<void> {
    this.#cursor = Number(await eventsRepo.maxSeq(this.#store.prisma));
    this.#started = true;
    this.#stopped = false;
    this.#tick();
    this.#kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    for (const w of this.#waiters.splice(0)) w.resolve();
  }

  /** Committed events (any order, duplicates welcome): from the local relay or another instance. */
  offer(events: PublishedEvent[]): void {
    for (const e of events) if (e.event.seq > this.#cursor) this.#offered.set(e.event.seq, e);
    this.#kick();
  }

  /** Look in the table for events this feed has not emitted yet. */
  poll(): void {
    this.#read = true;
    this.#kick();
  }

  /** Resolves once every event committed before the call has been emitted. */
  flush(): Promise<void> {
    if (this.#stopped || !this.#started) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#waiters.push({ after: this.#readsStarted, resolve }));
    this.poll();
    return done;
  }

  #tick(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.poll();
      this.#tick();
    }, this.#pollMs);
    this.#timer.unref?.();
  }

  #kick(): void {
    if (!this.#started || this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#pump().finally(() => {
      this.#running = null;
      if (this.#again && !this.#stopped) this.#kick();
    });
  }

  #send(e: PublishedEvent): void {
    this.#cursor = e.event.seq;
    try {
      this.#emit(e);
    } catch (err) {
      this.#log.error({ err, seq: e.event.seq }, 'emitting an event failed');
    }
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        this.#again = false;
        // Offered events that continue the cursor go out directly.
        for (let next = this.#offered.get(this.#cursor + 1); next; next = this.#offered.get(this.#cursor + 1)) {
          this.#offered.delete(next.event.seq);
          this.#send(next);
        }
        for (const seq of this.#offered.keys()) if (seq <= this.#cursor) this.#offered.delete(seq);
        if (this.#stopped || (!this.#read && this.#offered.size === 0)) return;

        // A gap (another instance's batch not offered yet), or a poll: read the table.
        this.#read = false;
        const offeredBefore = [...this.#offered.keys()];
        const readNo = ++this.#readsStarted;
        const rows = await eventsRepo.publishedAfter(this.#store.prisma, this.#cursor, PAGE);
        for (const row of rows) {
          const e = toPublished(row);
          if (e.event.seq > this.#cursor) this.#send(e);
        }
        if (rows.length === PAGE) {
          this.#read = true;
          continue;
        }
        // Events offered before the read were committed before it started, and so was everything
        // numbered before them: if the read did not reach them, what lies between was deleted.
        // (Events offered during the read wait for the next turn.)
        const stale = offeredBefore.filter((seq) => seq > this.#cursor).sort((a, b) => a - b);
        for (const seq of stale) {
          const e = this.#offered.get(seq);
          this.#offered.delete(seq);
          if (e && seq > this.#cursor) this.#send(e);
        }
        this.#release(readNo);
      }
    } catch (err) {
      this.#log.error({ err }, 'event feed failed; will retry');
    }
  }

  /** A read caught up with the table: every flush() that began before it started is done. */
  #release(readNo: number): void {
    if (!this.#waiters.length) return;
    const done = this.#waiters.filter((w) => w.after < readNo);
    this.#waiters = this.#waiters.filter((w) => w.after >= readNo);
    for (const w of done) w.resolve();
  }
}
