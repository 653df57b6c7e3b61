// Live updates over Socket.IO (same origin, session cookie). Shared wire types only.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PresenceActivity, PresenceEntry, RealtimeEvent, ServerToClientEvents, TypingEvent } from '@switchboard/server/contracts';
import { EventCursor } from './event-cursor.ts';
import { HEARTBEAT_MS } from './presence.ts';

export type LiveStatus = 'connecting' | 'online' | 'offline';

export interface LiveHandlers {
  /** Called for every event exactly once, in seq order. */
  onEvent(e: RealtimeEvent): void;
  /** The client has no usable position (first connect or a truncated replay): load lists from REST. */
  onResync(): void;
  onStatus(status: LiveStatus): void;
  /** The session is gone (handshake refused). */
  onUnauthenticated(): void;
}

/** Collision detection and typing indicators of open conversations (live only, never replayed). */
export interface ConversationLive {
  /**
   * Opens a conversation: the others in it are listed to `snapshot` on every (re)join, their changes go to
   * `entry`. Returns the function that leaves it.
   */
  join(conversationId: string, on: { snapshot(entries: PresenceEntry[]): void; entry(e: PresenceEntry): void }): () => void;
  /** What the agent does in a joined conversation (sent now, and with every heartbeat). */
  activity(conversationId: string, activity: PresenceActivity): void;
  /** The agent is (no longer) typing a reply: the chat widget shows it. */
  typing(conversationId: string, typing: boolean): void;
  /** Typing events (chat visitors and agents) of every conversation the agent may see. */
  onTyping(fn: (e: TypingEvent) => void): () => void;
}

export function connectLive(h: LiveHandlers): { close(): void; conversations: ConversationLive } {
  const cursor = new EventCursor((e) => h.onEvent(e));
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    path: '/socket.io',
    withCredentials: true,
    // Called before every (re)connect: sends our position and starts holding back live events.
    auth: (cb) => cb(cursor.handshake()),
  });
  const joined = new Map<string, { activity: PresenceActivity; on: Parameters<ConversationLive['join']>[1] }>();
  const typingListeners = new Set<(e: TypingEvent) => void>();
  // Presence is never queued while offline: every (re)connect joins again and gets a fresh list.
  const join = (id: string) => {
    if (!socket.connected) return;
    socket.emit('presence:join', { conversationId: id }, (r) => {
      const j = joined.get(id);
      if (!j || !r.ok) return;
      j.on.snapshot(r.entries);
      if (j.activity !== 'viewing') socket.emit('presence', { conversationId: id, activity: j.activity });
    });
  };
  const heartbeat = setInterval(() => {
    if (socket.connected) for (const [conversationId, j] of joined) socket.emit('presence', { conversationId, activity: j.activity });
  }, HEARTBEAT_MS);
  h.onStatus('connecting');
  socket.on('connect', () => {
    h.onStatus('online');
    for (const id of joined.keys()) join(id);
  });
  socket.on('presence', (e) => joined.get(e.conversationId)?.on.entry(e));
  socket.on('typing', (e) => {
    for (const fn of typingListeners) fn(e);
  });
  socket.on('disconnect', () => h.onStatus('offline'));
  socket.on('connect_error', (err) => {
    h.onStatus('offline');
    if (err.message === 'unauthenticated') {
      socket.disconnect();
      h.onUnauthenticated();
    }
  });
  socket.on('event', (e) => cursor.onEvent(e));
  socket.on('replay:done', (info) => {
    if (info.truncated) {
      // Too far behind to replay: start over from the current position and reload the lists.
      cursor.reset();
      socket.disconnect().connect();
      return;
    }
    if (cursor.onReplayDone(info)) h.onResync();
  });
  const conversations: ConversationLive = {
    join(conversationId, on) {
      const entry = { activity: 'viewing' as PresenceActivity, on };
      joined.set(conversationId, entry);
      join(conversationId);
      return () => {
        if (joined.get(conversationId) !== entry) return;
        joined.delete(conversationId);
        if (socket.connected) socket.emit('presence:leave', { conversationId });
      };
    },
    activity(conversationId, activity) {
      const j = joined.get(conversationId);
      if (!j) return;
      j.activity = activity;
      if (socket.connected) socket.emit('presence', { conversationId, activity });
    },
    typing(conversationId, typing) {
      if (socket.connected) socket.emit('typing', { conversationId, typing });
    },
    onTyping(fn) {
      typingListeners.add(fn);
      return () => void typingListeners.delete(fn);
    },
  };
  return {
    close: () => {
      clearInterval(heartbeat);
      socket.disconnect();
    },
    conversations,
  };
}
