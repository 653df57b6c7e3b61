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

const BATCH = 500;

/**
 * The outbox relay. Services write events in their transactions without a number; after each
 * commit (and on a slow poll, for events another instance left behind) the relay numbers the
 * unpublished ones under an advisory lock and publishes them while still holding it. So every
 * client sees events in seq order, and a client that resumes from seq N misses nothing.
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

  /** Publishes everything pending now (used by tests and at shutdown). */
  async flush(): Promise<void> {
    await this.#current;
    this.#current = this.#drain();
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
        const n = await this.#store.transaction(
          async (tx) => {
            const rows = await eventsRepo.claimUnpublished(tx, BATCH);
            if (rows.length > 0) {
              const sorted = rows.sort((a, b) => (a.seq < b.seq ? -1 : 1));
              this.#publish(sorted.map((r) => ({ event: toRealtimeEvent(r), audience: { workspaceId: r.workspaceId, inboxId: r.inboxId, userId: r.userId } })));
            }
            return rows.length;
          },
          { notify: false, retries: 0 },
        );
        if (n === BATCH) this.#again = true;
      } while (this.#again && !this.#stopped);
    } catch (err) {
      this.#log.error({ err }, 'event relay failed; will retry');
    } finally {
      this.#running = false;
    }
  }
}
