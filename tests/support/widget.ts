// Chat widget helpers for the integration tests: a webchat inbox, and a visitor speaking the widget's
// Socket.IO protocol (the same event maps the widget imports) with an Origin like a browser's.
import { createHmac } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  TypingEvent,
  WidgetAck,
  WidgetAgentsStatus,
  WidgetClientEvents,
  WidgetConnectError,
  WidgetHandshakeAuth,
  WidgetMessage,
  WidgetSendInput,
  WidgetServerEvents,
  WidgetSession,
  WidgetVisitor,
} from '@switchboard/server/contracts';
import type { ApiClient } from './api.ts';
import type { LiveClient } from './realtime-client.ts';

export type VisitorSocket = Socket<WidgetServerEvents, WidgetClientEvents>;
export const SITE = 'https://shop.example';

export interface WebchatInbox {
  id: string;
  publicToken: string;
  secret: string;
  embedCode: string;
}

/** Creates a webchat inbox (settings merged over sensible test defaults) and reads its identity secret. */
export async function createWebchatInbox(admin: ApiClient, settings: Record<string, unknown> = {}, name = 'Website chat'): Promise<WebchatInbox> {
  const r = await admin.post('/api/inboxes', { kind: 'webchat', name, settings: { allowedOrigins: [SITE], ...settings } });
  if (r.status !== 201) throw new Error(`webchat inbox create failed: ${r.status} ${JSON.stringify(r.body)}`);
  const embed = await admin.get(`/api/inboxes/${r.body.id}/webchat`);
  if (embed.status !== 200) throw new Error(`webchat embed failed: ${embed.status} ${JSON.stringify(embed.body)}`);
  return { id: r.body.id, publicToken: r.body.publicToken, secret: embed.body.identitySecret, embedCode: embed.body.embedCode };
}

/** What a site's backend computes for a logged-in customer. */
export const identityHash = (secret: string, value: string) => createHmac('sha256', secret).update(value).digest('hex');

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

/** One widget connection. Records everything the server sends. */
export class Visitor {
  readonly socket: VisitorSocket;
  session: WidgetSession | null = null;
  readonly messages: WidgetMessage[] = [];
  readonly statuses: Array<{ id: string; status: WidgetMessage['status'] }> = [];
  readonly typing: Array<{ typing: boolean; name: string | null }> = [];
  readonly agents: WidgetAgentsStatus[] = [];
  #waiters: Waiter[] = [];

  private constructor(socket: VisitorSocket) {
    this.socket = socket;
    const note = () => this.#notify();
    socket.on('session', (s) => ((this.session = s), note()));
    socket.on('message', (m) => (this.messages.push(m), note()));
    socket.on('message:status', (s) => (this.statuses.push(s), note()));
    socket.on('typing', (t) => (this.typing.push(t), note()));
    socket.on('agents', (a) => (this.agents.push(a), note()));
  }

  static #open(base: string, auth: WidgetHandshakeAuth, origin: string | null, headers: Record<string, string> = {}): VisitorSocket {
    const extraHeaders = { ...headers, ...(origin ? { origin } : {}) };
    return io(`${base}/widget`, {
      auth: { ...auth },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(Object.keys(extraHeaders).length ? { extraHeaders } : {}),
    });
  }

  /** Connects and resolves once the session arrived; rejects with the connect_error. */
  static connect(base: string, auth: WidgetHandshakeAuth, opts: { origin?: string | null; headers?: Record<string, string> } = {}): Promise<Visitor> {
    const v = new Visitor(Visitor.#open(base, auth, opts.origin === undefined ? SITE : opts.origin, opts.headers));
    return new Promise((resolve, reject) => {
      v.socket.once('connect_error', (err) => (v.socket.close(), reject(err)));
      v.socket.once('session', () => resolve(v));
    });
  }

  /** Resolves with the refusal of a handshake (fails if it connects). */
  static async refused(base: string, auth: WidgetHandshakeAuth, opts: { origin?: string | null; headers?: Record<string, string> } = {}): Promise<WidgetConnectError> {
    try {
      const v = await Visitor.connect(base, auth, opts);
      v.close();
    } catch (err) {
      return (err as Error & { data: WidgetConnectError }).data;
    }
    throw new Error('the widget connected although it should have been refused');
  }

  get token(): string {
    if (!this.session) throw new Error('no session');
    return this.session.token;
  }

  #ack<T extends object>(emit: (ack: (r: WidgetAck<T>) => void) => void): Promise<WidgetAck<T>> {
    return new Promise((resolve) => emit(resolve));
  }

  send(input: Partial<WidgetSendInput> & { text?: string }): Promise<WidgetAck<{ message: WidgetMessage }>> {
    const clientId = input.clientId ?? `c_${Math.random().toString(36).slice(2, 12)}`;
    return this.#ack((ack) => this.socket.emit('message:send', { text: '', ...input, clientId }, ack));
  }

  /** Sends and returns the stored message (throws on a refusal). */
  async say(text: string, extra: Partial<WidgetSendInput> = {}): Promise<WidgetMessage> {
    const r = await this.send({ text, ...extra });
    if (!r.ok) throw new Error(`send refused: ${JSON.stringify(r.error)}`);
    return r.message;
  }

  profile(p: { name?: string; email?: string }): Promise<WidgetAck<{ token: string; visitor: WidgetVisitor }>> {
    return this.#ack((ack) => this.socket.emit('profile:set', p, ack));
  }

  history(before: string): Promise<WidgetAck<{ messages: WidgetMessage[]; hasMore: boolean }>> {
    return this.#ack((ack) => this.socket.emit('history', { before }, ack));
  }

  /** Resolves once `check()` holds (re-checked on every server event). */
  until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`visitor: timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = { check, resolve: () => (clearTimeout(timer), resolve()) };
      this.#waiters.push(waiter);
    });
  }

  async message(pred: (m: WidgetMessage) => boolean, what: string): Promise<WidgetMessage> {
    await this.until(() => this.messages.some(pred), what);
    return this.messages.find(pred)!;
  }

  close(): void {
    this.socket.close();
  }

  #notify(): void {
    const ready = this.#waiters.filter((w) => w.check());
    this.#waiters = this.#waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

/** Records the agents' `typing` events of a live agent connection. */
export function recordTyping(agent: LiveClient): TypingEvent[] {
  const seen: TypingEvent[] = [];
  agent.socket?.on('typing', (e) => seen.push(e));
  return seen;
}

/** Waits until `check()` holds, polling (for state outside any event stream). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
