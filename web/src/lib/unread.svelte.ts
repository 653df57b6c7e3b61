// The console's unread state, kept live: counts from the server, read markers of the listed
// conversations, local updates from events (unread.ts), and a debounced refetch whenever an
// event's effect is unknown, after reconnects, and after a fetch that events overtook.
import type { ConversationDto, RealtimeEvent } from '@switchboard/server/contracts';
import { api } from './api.ts';
import { applyUnreadEvent, countsByScope, emptyUnread, isUnread, markRead, unknownReads, withReads, type UnreadUpdate } from './unread.ts';

const REFETCH_DEBOUNCE_MS = 1_500;
const READS_BATCH = 200;

export class UnreadTracker {
  state = $state(emptyUnread());
  readonly #userId: string;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #fetching = false;
  /** Something changed while a fetch was in flight: its answer may be stale. */
  #dirty = false;
  #loadingReads = new Set<string>();
  #closed = false;

  constructor(userId: string) {
    this.#userId = userId;
  }

  /** Counts now (sign-in, resync, reconnect). */
  refresh(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#fetching) {
      this.#dirty = true;
      return;
    }
    this.#fetching = true;
    this.#dirty = false;
    api
      .unreadCounts()
      .then((dto) => {
        if (!this.#closed) this.state = { ...this.state, counts: countsByScope(dto) };
      })
      .catch(() => (this.#dirty = true))
      .finally(() => {
        this.#fetching = false;
        if (this.#dirty && !this.#closed) this.#later();
      });
  }

  #later(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.refresh();
    }, REFETCH_DEBOUNCE_MS);
  }

  #apply(u: UnreadUpdate, changed: boolean): void {
    this.state = u.state;
    if (this.#fetching && changed) this.#dirty = true;
    if (u.refetch) {
      if (this.#fetching) this.#dirty = true;
      else this.#later();
    }
  }

  /** A live event; `openId`: the conversation the agent has open. */
  onEvent(e: RealtimeEvent, openId: string | null): void {
    const u = applyUnreadEvent(this.state, e, this.#userId, openId);
    this.#apply(u, u.state.counts !== this.state.counts);
  }

  /** The agent marked a conversation read (POST /read answered). */
  onRead(c: ConversationDto, readAt: string): void {
    const u = markRead(this.state, c.id, readAt, this.#userId, c);
    this.#apply(u, u.state.counts !== this.state.counts);
  }

  /** Loads the markers of listed conversations not known yet. */
  loadReads(items: readonly ConversationDto[]): void {
    const ids = unknownReads(this.state, items).filter((id) => !this.#loadingReads.has(id));
    for (let i = 0; i < ids.length; i += READS_BATCH) {
      const batch = ids.slice(i, i + READS_BATCH);
      for (const id of batch) this.#loadingReads.add(id);
      api
        .reads(batch)
        .then((r) => {
          if (!this.#closed) this.state = withReads(this.state, batch, r.items, items);
        })
        .catch(() => {})
        .finally(() => {
          for (const id of batch) this.#loadingReads.delete(id);
        });
    }
  }

  isUnread(c: ConversationDto): boolean {
    return isUnread(c, this.state.reads[c.id]);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }
}
