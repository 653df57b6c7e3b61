import type { RealtimeEvent } from '../contracts/realtime.ts';
import type { Logger } from '../lib/logger.ts';
import { eventsRepo, type EventRow } from '../repositories/events.ts';
import type { Store } from '../repositories/store.ts';

export function toRealtimeEvent(row: EventRow): RealtimeEvent {
  return {
    seq: Number(row.seq),
    type: row.type,
    workspaceId: row.workspaceId,
    inboxId: row.inboxId,
    conversationId: row.conversationId,
    actor: { type: row.actorType, id: row.actorId },
    createdAt: row.createdAt.toISOString(),
    payload: row.payload,
  } as RealtimeEvent;
}

export interface PublishedEvent {
  event: RealtimeEvent;
  audience: { workspaceId: string; inboxId: string | null; userId: string | null };
}

export const toPublished = (row: EventRow): PublishedEvent => ({
  event: toRealtimeEvent(row),
  audience: { workspaceId: row.workspaceId, inboxId: row.inboxId, userId: row.userId },
});

const BATCH = 500;

/**
 * The outbox relay. Services write events in their transactions without a number; after each
 * commit (and on a slow poll, for events another instance left behind) the relay numbers the
 * unpublished ones under an advisory lock (gap-free, in commit order) and, once that numbering
 * committed, hands them to `publish`. Ordering for clients is the gateway's feed's job: it
 * emits committed events strictly in seq order, whichever instance numbered them.
 */
export class EventRelay {
  readonly #store: Store;
  readonly #publish: (events: PublishedEvent[]) => void;
  readonly #log: Logger;
  readonly #pollMs: number;
  #running = false;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #current: Promise<void> = Promise.resolve();

  constructor(store: Store, publish: (events: PublishedEvent[]) => void, log: Logger, pollMs = 500) {
    this.#store = store;
    this.#publish = publish;
    this.#log = log;
    this.#pollMs = pollMs;
  }

  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#current;
  }

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#current = this.#drain();
  }

  /** Numbers and publishes everything committed before the call (tests, shutdown). */
  async flush(): Promise<void> {
    // Never two drains at once: a running one takes another turn instead.
    if (this.#running) this.#again = true;
    else this.#current = this.#drain();
    await this.#current;
  }

  #tick(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.kick();
      this.#tick();
    }, this.#pollMs);
    this.#timer.unref?.();
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      do {
        this.#again = false;
        const rows = await this.#store.transaction((tx) => eventsRepo.claimUnpublished(tx, BATCH), { notify: false, retries: 0, sql: true });
        if (rows.length > 0) {
          try {
            this.#publish(rows.map(toPublished));
          } catch (err) {
            // Committed: the gateway's feed still finds them in the table.
            this.#log.error({ err }, 'publishing events failed');
          }
        }
        if (rows.length === BATCH) this.#again = true;
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.#log.error({ err }, 'event relay failed; will retry');
    } finally {
      this.#running = false;
    }
  }
}
