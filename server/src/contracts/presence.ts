// Collision detection on the agents' socket: who else has a conversation open, and who is writing in it.

/** What an agent does in an open conversation: reads it, writes a reply, or writes a private note. */
export type PresenceActivity = 'viewing' | 'replying' | 'note';

/**
 * One console tab's presence in a conversation (an agent with two tabs has two entries). Sent to the
 * other agents who have the conversation open, and only to agents who may see it.
 */
export interface PresenceEntry {
  conversationId: string;
  /** The tab (socket id): entries of one agent are told apart by it. */
  connection: string;
  agent: { id: string; name: string };
  /** null: the tab left the conversation (closed it, navigated away, disconnected, lost access). */
  activity: PresenceActivity | null;
  /**
   * The entry lapses this long after it arrived unless refreshed (the console refreshes it every 20 s):
   * a crashed server or a lost connection never says goodbye.
   */
  ttlMs: number;
  /** replying/note: falls back to viewing this long after it arrived unless refreshed; null for viewing. */
  activityTtlMs: number | null;
}

/** The answer to `presence:join`: the others already in the conversation, or why not. */
export type PresenceJoinAck = { ok: true; entries: PresenceEntry[] } | { ok: false; error: 'invalid' | 'not_found' | 'too_many' };
