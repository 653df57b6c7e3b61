// Collision detection in the open conversation: the other agents' presence entries (with their
// time-to-live), the chat visitor's typing, and the signal the composer sends while the agent writes.
import type { PresenceActivity, PresenceEntry, TypingEvent } from '@switchboard/server/contracts';

/** How often the console refreshes its presence in an open conversation (the server's ttl is 60 s). */
export const HEARTBEAT_MS = 20_000;
/** A visitor's typing indicator lapses this long after the last "typing" (the widget repeats it every 2 s). */
export const VISITOR_TYPING_MS = 6_000;

/** Presence entries of one conversation by connection, with the local time each lapses. */
export type PresenceState = Record<string, { entry: PresenceEntry; until: number; activityUntil: number | null }>;

export interface PresentAgent {
  id: string;
  name: string;
  activity: PresenceActivity;
}

/** Applies one entry (arrived at `now`); a left tab (activity null) is removed. */
export function applyPresence(state: PresenceState, e: PresenceEntry, now: number): PresenceState {
  const { [e.connection]: _gone, ...rest } = state;
  if (e.activity === null || e.ttlMs <= 0) return rest;
  return { ...rest, [e.connection]: { entry: e, until: now + e.ttlMs, activityUntil: e.activityTtlMs === null ? null : now + e.activityTtlMs } };
}

/** The state after (re)joining: exactly the entries the server listed. */
export function presenceFrom(entries: readonly PresenceEntry[], now: number): PresenceState {
  return entries.reduce<PresenceState>((s, e) => applyPresence(s, e, now), {});
}

const rank: Record<PresenceActivity, number> = { viewing: 0, note: 1, replying: 2 };

/**
 * Who else is in the conversation now, one line per agent (their busiest tab wins: replying, then a note,
 * then viewing), without the signed-in agent's own other tabs, by name.
 */
export function presentAgents(state: PresenceState, selfId: string, now: number): PresentAgent[] {
  const byAgent = new Map<string, PresentAgent>();
  for (const { entry, until, activityUntil } of Object.values(state)) {
    if (until <= now || entry.agent.id === selfId || entry.activity === null) continue;
    const activity = activityUntil !== null && activityUntil > now ? entry.activity : 'viewing';
    const held = byAgent.get(entry.agent.id);
    if (!held || rank[activity] > rank[held.activity]) byAgent.set(entry.agent.id, { ...entry.agent, activity });
  }
  return [...byAgent.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** When the next entry or activity lapses (to re-render then), or null. */
export function nextChange(state: PresenceState, now: number): number | null {
  let next: number | null = null;
  for (const { until, activityUntil } of Object.values(state)) {
    for (const t of [until, activityUntil]) if (t !== null && t > now && (next === null || t < next)) next = t;
  }
  return next;
}

/** The chat visitor typing in this conversation: their name (null: unnamed) until when, or null when not typing. */
export type VisitorTyping = { name: string | null; until: number } | null;

export function applyVisitorTyping(current: VisitorTyping, e: TypingEvent, conversationId: string, now: number): VisitorTyping {
  if (e.conversationId !== conversationId || e.author.type !== 'contact') return current;
  return e.typing ? { name: e.author.name, until: now + VISITOR_TYPING_MS } : null;
}

/** What the agent is doing in the composer, as the others should learn it: null = only viewing. */
export type Writing = 'replying' | 'note' | null;

export interface WritingOptions {
  /** While writing, the state is sent again at most this often (keeps the others' indicator alive). */
  repeatMs: number;
  /** Writing ends this long after the last keystroke. */
  idleMs: number;
  now: () => number;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

const defaults: WritingOptions = {
  repeatMs: 2_500,
  idleMs: 4_000,
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Turns composer keystrokes into writing states: sent when it changes (replying ↔ note, started, stopped)
 * and repeated every `repeatMs` while the agent keeps typing; it stops after `idleMs` without a keystroke,
 * when the text is emptied, and on send.
 */
export class WritingSignal {
  readonly #send: (w: Writing) => void;
  readonly #o: WritingOptions;
  #state: Writing = null;
  #sentAt = 0;
  #idle: unknown;

  constructor(send: (w: Writing) => void, opts: Partial<WritingOptions> = {}) {
    this.#send = send;
    this.#o = { ...defaults, ...opts };
  }

  get state(): Writing {
    return this.#state;
  }

  /** A keystroke (or a mode switch) in the composer. */
  input(mode: 'message' | 'note', hasText: boolean): void {
    if (!hasText) return this.stop();
    const next: Writing = mode === 'note' ? 'note' : 'replying';
    const now = this.#o.now();
    if (next !== this.#state || now - this.#sentAt >= this.#o.repeatMs) {
      this.#state = next;
      this.#sentAt = now;
      this.#send(next);
    }
    this.#o.clearTimer(this.#idle);
    this.#idle = this.#o.setTimer(() => this.stop(), this.#o.idleMs);
  }

  /** Sent, emptied, idle or closed: back to viewing. */
  stop(): void {
    this.#o.clearTimer(this.#idle);
    this.#idle = undefined;
    if (this.#state === null) return;
    this.#state = null;
    this.#sentAt = 0;
    this.#send(null);
  }
}
