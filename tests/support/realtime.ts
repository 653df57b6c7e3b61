// A recording Socket.IO client for the realtime tests: applies events through the contracts'
// EventCursor (like the console) and keeps every raw event per connection, so tests can check
// both what was applied and what went over the wire (replayed vs live, repeats, order).
import { io, type Socket } from 'socket.io-client';
import { EventCursor, type ClientToServerEvents, type RealtimeEvent, type ServerToClientEvents } from '@switchboard/server/contracts';
import { postApiWebhook } from './api.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ReplayDone = { lastSeq: number; count: number; truncated: boolean };

export interface Credentials {
  token?: string;
  cookie?: string;
  /** Extra handshake headers (e.g. a cross-site Origin). */
  headers?: Record<string, string>;
}

export interface Connection {
  replayed: RealtimeEvent[];
  live: RealtimeEvent[];
  done: ReplayDone | null;
  disconnectReason: string | null;
}

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export class RecordingClient {
  readonly applied: RealtimeEvent[] = [];
  readonly connections: Connection[] = [];
  readonly cursor: EventCursor;
  socket: ClientSocket | null = null;
  readonly #base: string;
  readonly #creds: Credentials;
  #waiters: Waiter[] = [];

  constructor(base: string, creds: Credentials) {
    this.#base = base;
    this.#creds = creds;
    this.cursor = new EventCursor((e) => {
      this.applied.push(e);
      this.#notify();
    });
  }

  /** Every raw event received, over all connections, in arrival order. */
  get received(): Array<RealtimeEvent & { replay: boolean }> {
    return this.connections.flatMap((c) => [...c.replayed.map((e) => ({ ...e, replay: true })), ...c.live.map((e) => ({ ...e, replay: false }))]);
  }

  /**
   * Connects; `resume` sends the cursor's lastSeq (else the server replays nothing and reports
   * its position, which the cursor adopts). Resolves with replay:done; rejects on connect_error.
   */
  connect(opts: { resume?: boolean } = {}): Promise<ReplayDone> {
    if (this.socket) throw new Error('already connected');
    const conn: Connection = { replayed: [], live: [], done: null, disconnectReason: null };
    this.connections.push(conn);
    const auth: Record<string, unknown> = {};
    if (this.#creds.token) auth.token = this.#creds.token;
    if (opts.resume) auth.lastSeq = this.cursor.lastSeq;
    const headers = { ...(this.#creds.cookie ? { cookie: this.#creds.cookie } : {}), ...this.#creds.headers };
    const socket: ClientSocket = io(this.#base, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(Object.keys(headers).length ? { extraHeaders: headers } : {}),
    });
    this.socket = socket;
    this.cursor.startReplay();
    socket.on('event', (e) => {
      (e.replay ? conn.replayed : conn.live).push(e);
      this.cursor.onEvent(e);
      this.#notify();
    });
    socket.on('disconnect', (reason) => {
      conn.disconnectReason = reason;
      if (this.socket === socket) this.socket = null;
      this.#notify();
    });
    return new Promise((resolve, reject) => {
      socket.once('connect_error', (err) => {
        if (this.socket === socket) this.socket = null;
        socket.close();
        reject(err);
      });
      socket.once('replay:done', (info) => {
        conn.done = info;
        this.cursor.onReplayDone(info);
        this.#notify();
        resolve(info);
      });
    });
  }

  /** Disconnects and resolves once the socket is closed. */
  async disconnect(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (!s) return;
    s.disconnect();
  }

  /** Resolves once `check()` holds (re-checked on every event, replay:done and disconnect). */
  until(check: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = { check, resolve: () => (clearTimeout(timer), resolve()) };
      this.#waiters.push(waiter);
    });
  }

  /** The first applied event matching `pred` (waits for it). */
  async waitFor(pred: (e: RealtimeEvent) => boolean, what: string, timeoutMs = 30_000): Promise<RealtimeEvent> {
    await this.until(() => this.applied.some(pred), what, timeoutMs);
    return this.applied.find(pred)!;
  }

  /** Resolves with the reason once the current connection is closed by either side. */
  waitForDisconnect(timeoutMs = 30_000): Promise<string> {
    const conn = this.connections.at(-1);
    if (!conn) return Promise.reject(new Error('never connected'));
    return this.until(() => conn.disconnectReason !== null, 'disconnect', timeoutMs).then(() => conn.disconnectReason!);
  }

  #notify(): void {
    if (!this.#waiters.length) return;
    const ready = this.#waiters.filter((w) => w.check());
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** Tries to connect and resolves with the connect_error message (fails the test if it connects). */
export async function connectError(base: string, creds: Credentials): Promise<string> {
  const c = new RecordingClient(base, creds);
  try {
    await c.connect();
  } catch (err) {
    return (err as Error).message;
  }
  await c.disconnect();
  throw new Error('connected although it should have been refused');
}

/** Seqs are strictly increasing (no repeats, in order). */
export function strictlyIncreasing(seqs: number[]): boolean {
  return seqs.every((s, i) => i === 0 || s > seqs[i - 1]!);
}

export const messageText = (e: RealtimeEvent): string | undefined => (e.type === 'message.created' ? e.payload.message.text : undefined);

/** POSTs many signed API-channel messages with bounded concurrency; throws on any non-200. */
export async function postBurst(
  base: string,
  inbox: { publicToken: string },
  secret: string,
  texts: string[],
  opts: { concurrency?: number; contacts?: number; onPosted?: (n: number) => void } = {},
): Promise<void> {
  const concurrency = opts.concurrency ?? 10;
  const contacts = opts.contacts ?? 20;
  let next = 0;
  let posted = 0;
  const worker = async () => {
    for (let i = next++; i < texts.length; i = next++) {
      const text = texts[i]!;
      const contact = `burst-${i % contacts}`;
      const r = await postApiWebhook(base, inbox.publicToken, secret, {
        messages: [{ id: `${text}`, contact: { id: contact, name: `Kunde ${i % contacts}` }, text }],
      });
      if (r.status !== 200 || r.body?.received !== 1) throw new Error(`webhook ${text}: ${r.status} ${JSON.stringify(r.body)}`);
      opts.onPosted?.(++posted);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
