// Pure client-side helper (no dependencies) for applying events exactly once and in seq order
// across reconnects (the console keeps an equivalent copy in web/src/lib/event-cursor.ts).
//
// Protocol (realtime.ts): on every connect the client sends `lastSeq` in the handshake auth and
// first receives everything after it that it may see (`replay: true`), then `replay:done`. The
// socket joins its rooms before the replay is read, so live events published meanwhile arrive
// too (possibly also in the replay): they are held back until `replay:done`, then merged, and
// seqs already applied are dropped. Within one connection live events arrive in seq order.
import type { RealtimeEvent } from './realtime.ts';

export interface ReplayDone {
  lastSeq: number;
  count: number;
  truncated: boolean;
}

export class EventCursor {
  /** The newest seq applied (or adopted from `replay:done`). */
  lastSeq: number;
  #replaying = true;
  #held: RealtimeEvent[] = [];
  readonly #apply: (e: RealtimeEvent) => void;

  constructor(apply: (e: RealtimeEvent) => void, lastSeq = 0) {
    this.#apply = apply;
    this.lastSeq = lastSeq;
  }

  /** Call on every (re)connect before events flow; pass `lastSeq` in the handshake auth. */
  startReplay(): void {
    this.#replaying = true;
    this.#held = [];
  }

  onEvent(e: RealtimeEvent & { replay?: boolean }): void {
    if (this.#replaying && !e.replay) {
      this.#held.push(e);
      return;
    }
    this.#take(e);
  }

  /**
   * Ends the replay: applies the held live events in seq order. With `info`, also adopts the
   * server's position when it is ahead (a connect without `lastSeq` reports the newest seq), so
   * the next reconnect resumes from there instead of replaying history.
   */
  onReplayDone(info?: ReplayDone): void {
    this.#replaying = false;
    const held = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    for (const e of held) this.#take(e);
    if (info && info.lastSeq > this.lastSeq) this.lastSeq = info.lastSeq;
  }

  #take(e: RealtimeEvent): void {
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    this.#apply(e);
  }
}
