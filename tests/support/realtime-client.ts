import { io, type Socket } from 'socket.io-client';
import { EventCursor, type ClientToServerEvents, type RealtimeEvent, type ServerToClientEvents } from '@switchboard/server/contracts';

export type AgentClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A Socket.IO client that applies events through EventCursor, like the console does. */
export class LiveClient {
  readonly events: RealtimeEvent[] = [];
  readonly cursor: EventCursor;
  socket: AgentClientSocket | null = null;
  readonly #base: string;
  readonly #auth: { token?: string; cookie?: string };
  #waiters: Array<{ pred: (e: RealtimeEvent) => boolean; resolve: (e: RealtimeEvent) => void }> = [];

  constructor(base: string, auth: { token?: string; cookie?: string }) {
    this.#base = base;
    this.#auth = auth;
    this.cursor = new EventCursor((e) => {
      this.events.push(e);
      this.#waiters = this.#waiters.filter((w) => (w.pred(e) ? (w.resolve(e), false) : true));
    });
  }

  /** Connects (resuming from the cursor when `resume`), resolves after replay:done. */
  connect(opts: { resume?: boolean } = {}): Promise<void> {
    const auth: Record<string, unknown> = {};
    if (this.#auth.token) auth.token = this.#auth.token;
    if (opts.resume) auth.lastSeq = this.cursor.lastSeq;
    const socket: AgentClientSocket = io(this.#base, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(this.#auth.cookie ? { extraHeaders: { cookie: this.#auth.cookie } } : {}),
    });
    this.socket = socket;
    this.cursor.startReplay();
    socket.on('event', (e) => this.cursor.onEvent(e));
    return new Promise((resolve, reject) => {
      socket.once('connect_error', (err) => reject(err));
      socket.once('replay:done', (info) => {
        if (!opts.resume) this.cursor.lastSeq = Math.max(this.cursor.lastSeq, info.lastSeq);
        this.cursor.onReplayDone();
        resolve();
      });
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
  }

  /** Resolves with the first applied event (past or future) matching `pred`. */
  waitFor(pred: (e: RealtimeEvent) => boolean, timeoutMs = 15_000): Promise<RealtimeEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event did not arrive in time')), timeoutMs);
      this.#waiters.push({ pred, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }
}
