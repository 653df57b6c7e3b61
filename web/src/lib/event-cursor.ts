// Applies realtime events exactly once and in seq order across (re)connects. A local equivalent of
// the server's contracts EventCursor (the console imports only types from the server package).
//
// Protocol (server/src/contracts/realtime.ts): on every connect the client sends `lastSeq` in the
// handshake auth and first receives everything after it (`replay: true`), then `replay:done`.
// Live events arriving during the replay are held back and merged afterwards. A cursor that has
// not seen anything yet (lastSeq null) connects without `lastSeq`: the server then replays nothing
// and reports its newest seq, which the cursor adopts; the caller loads its lists from REST.
import type { RealtimeEvent } from '@switchboard/server/contracts';

export type IncomingEvent = RealtimeEvent & { replay?: boolean };
export interface ReplayDone {
  lastSeq: number;
  count: number;
  truncated: boolean;
}

export class EventCursor {
  /** The newest seq applied (or adopted from `replay:done`); null before the first sync. */
  lastSeq: number | null;
  #replaying = true;
  #held: RealtimeEvent[] = [];
  readonly #apply: (e: RealtimeEvent) => void;

  constructor(apply: (e: RealtimeEvent) => void, lastSeq: number | null = null) {
    this.#apply = apply;
    this.lastSeq = lastSeq;
  }

  /** Handshake auth for the next (re)connect. Starts holding back live events until `replay:done`. */
  handshake(): { lastSeq?: number } {
    this.#replaying = true;
    this.#held = [];
    return this.lastSeq === null ? {} : { lastSeq: this.lastSeq };
  }

  onEvent(e: IncomingEvent): void {
    if (this.#replaying && !e.replay) {
      this.#held.push(e);
      return;
    }
    this.#take(e);
  }

  /** Ends the replay. Returns true when this was the first sync (the caller should load from REST). */
  onReplayDone(info: ReplayDone): boolean {
    const fresh = this.lastSeq === null;
    this.#replaying = false;
    if (this.lastSeq === null || info.lastSeq > this.lastSeq) this.lastSeq = info.lastSeq;
    const held = this.#held.sort((a, b) => a.seq - b.seq);
    this.#held = [];
    for (const e of held) this.#take(e);
    return fresh;
  }

  /** Forget the position: the next connect starts fresh (e.g. after a truncated replay). */
  reset(): void {
    this.lastSeq = null;
  }

  #take(e: RealtimeEvent): void {
    if (this.lastSeq !== null && e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    this.#apply(e);
  }
}
