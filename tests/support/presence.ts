// Collision detection from a test's agent socket: joins conversations and records the presence entries it hears.
import type { PresenceActivity, PresenceEntry, PresenceJoinAck } from '@switchboard/server/contracts';
import type { ClientSocket } from './realtime.ts';

export class PresenceProbe {
  readonly heard: PresenceEntry[] = [];
  readonly #socket: ClientSocket;
  #waiters: Array<() => void> = [];

  constructor(socket: ClientSocket | null) {
    if (!socket) throw new Error('connect first');
    this.#socket = socket;
    socket.on('presence', (e) => {
      this.heard.push(e);
      for (const w of this.#waiters) w();
    });
  }

  join(conversationId: string): Promise<PresenceJoinAck> {
    return new Promise((resolve) => this.#socket.emit('presence:join', { conversationId }, resolve));
  }

  activity(conversationId: string, activity: PresenceActivity): void {
    this.#socket.emit('presence', { conversationId, activity });
  }

  leave(conversationId: string): void {
    this.#socket.emit('presence:leave', { conversationId });
  }

  /** The first entry heard (past or future) that matches. */
  waitFor(pred: (e: PresenceEntry) => boolean, what: string, timeoutMs = 15_000): Promise<PresenceEntry> {
    const seen = this.heard.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const check = () => {
        const e = this.heard.find(pred);
        if (!e) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== check);
        resolve(e);
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for presence: ${what}`));
      }, timeoutMs);
      this.#waiters.push(check);
    });
  }
}

/** Matches an entry of `agentId` in `conversationId` with that activity (null: left). */
export const presenceOf = (agentId: string, conversationId: string, activity: PresenceActivity | null) => (e: PresenceEntry) =>
  e.agent.id === agentId && e.conversationId === conversationId && e.activity === activity;
