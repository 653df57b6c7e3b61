// Pure client-side helper (no dependencies) for applying events exactly once and in seq order
// across reconnects. Live events that arrive while a replay is still running are held back,
// then merged when `replay:done` arrives.
import type { RealtimeEvent } from './realtime.ts';

export class EventCursor {
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

  onReplayDone(): void {
    this.#replaying = false;
    const held = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    for (const e of held) this.#take(e);
  }

  #take(e: RealtimeEvent): void {
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    this.#apply(e);
  }
}
