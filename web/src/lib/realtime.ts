// Live updates over Socket.IO (same origin, session cookie). Shared wire types only.
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents } from '@switchboard/server/contracts';
import { EventCursor } from './event-cursor.ts';

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

export function connectLive(h: LiveHandlers): { close(): void } {
  const cursor = new EventCursor((e) => h.onEvent(e));
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
    path: '/socket.io',
    withCredentials: true,
    // Called before every (re)connect: sends our position and starts holding back live events.
    auth: (cb) => cb(cursor.handshake()),
  });
  h.onStatus('connecting');
  socket.on('connect', () => h.onStatus('online'));
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
  return { close: () => void socket.disconnect() };
}
