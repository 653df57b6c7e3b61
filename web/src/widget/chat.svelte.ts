// The widget's state and its connection to the server's `/widget` Socket.IO namespace (typed by the shared
// contracts). One instance per page; tabs share the visitor through localStorage.
import { io, type Socket } from 'socket.io-client';
import type {
  WidgetAck,
  WidgetClientEvents,
  WidgetConfig,
  WidgetConnectError,
  WidgetError,
  WidgetIdentity,
  WidgetMessage,
  WidgetServerEvents,
  WidgetUpload,
  WidgetVisitor,
} from '@switchboard/server/contracts';

export interface ChatMessage extends WidgetMessage {
  /** A message of this tab not confirmed yet, or refused (with the reason). */
  local?: { state: 'sending' | 'failed'; error?: WidgetError; files: File[] };
}

type WidgetSocket = Socket<WidgetServerEvents, WidgetClientEvents>;

const TYPING_REPEAT_MS = 2_000;
const TYPING_IDLE_MS = 3_000;
const AGENT_TYPING_EXPIRES_MS = 6_000;

/** Who a token says the visitor is (its claims without the issue time); tokens are signed, not secret. */
export function visitorKey(token: string | undefined): string {
  try {
    const b64 = (token ?? '').split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/');
    const { t: _issuedAt, ...claims } = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)))) as Record<string, unknown>;
    return JSON.stringify(claims);
  } catch {
    return '';
  }
}

const randomId = () => `w${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

/** Oldest first; a message this tab is still sending stays at the end. */
function ordered(list: ChatMessage[]): ChatMessage[] {
  return [...list].sort((a, b) => (a.local ? 1 : 0) - (b.local ? 1 : 0) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export class Chat {
  config = $state<WidgetConfig | null>(null);
  /** idle: not connected yet; connecting; online; offline: lost (reconnecting); refused: the server said no. */
  status = $state<'idle' | 'connecting' | 'online' | 'offline' | 'refused'>('idle');
  refusal = $state<WidgetConnectError | null>(null);
  visitor = $state<WidgetVisitor | null>(null);
  messages = $state<ChatMessage[]>([]);
  hasMore = $state(false);
  agentsOnline = $state(false);
  /** The name of the agent typing ('' when unnamed), null when nobody types. */
  agentTyping = $state<string | null>(null);
  isOpen = $state(false);
  unread = $state(0);
  /** The pre-chat form was sent in this page (optional fields may stay empty). */
  preChatSent = $state(false);

  readonly server: string;
  readonly inbox: string;
  #identity: WidgetIdentity | null;
  #socket: WidgetSocket | null = null;
  /** The token of the current session. */
  #token: string | undefined;
  #typingSentAt = 0;
  #typingIdle: ReturnType<typeof setTimeout> | undefined;
  #agentTypingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(server: string, inbox: string, identity: WidgetIdentity | null) {
    this.server = server;
    this.inbox = inbox;
    this.#identity = identity;
  }

  get #key(): string {
    return `switchboard-chat:${this.inbox}`;
  }

  /** The stored token, if it belongs to the same (or no) logged-in customer as this page. */
  #storedToken(): string | undefined {
    try {
      const saved = JSON.parse(localStorage.getItem(this.#key) ?? 'null') as { token?: string; user?: string | null } | null;
      if (saved?.token && (saved.user ?? null) === (this.#identity?.userId ?? null)) return saved.token;
    } catch {
      /* storage blocked or garbage: a new visitor */
    }
    return undefined;
  }

  #store(token: string): void {
    try {
      localStorage.setItem(this.#key, JSON.stringify({ token, user: this.#identity?.userId ?? null }));
    } catch {
      /* private mode: identity lasts for this page only */
    }
  }

  /** Loads the look of the widget; a returning visitor connects at once (replies may be waiting). */
  async init(): Promise<void> {
    const res = await fetch(`${this.server}/widget/api/config?inbox=${encodeURIComponent(this.inbox)}`);
    if (!res.ok) {
      this.status = 'refused';
      this.refusal = { code: res.status === 403 ? 'forbidden_origin' : res.status === 404 ? 'unknown_inbox' : 'unavailable', message: `HTTP ${res.status}` };
      return;
    }
    this.config = (await res.json()) as WidgetConfig;
    addEventListener('storage', (e) => {
      // Another tab became a different visitor, or filled in the pre-chat form: follow it (a renewed token of
      // the same visitor changes nothing).
      if (e.key !== this.#key || !this.#socket) return;
      const token = this.#storedToken();
      if (token && visitorKey(token) !== visitorKey(this.#token)) this.#reconnect();
    });
    document.addEventListener('visibilitychange', () => this.#markRead());
    if (this.#storedToken()) this.connect();
  }

  connect(): void {
    if (this.#socket || !this.config) return;
    this.status = 'connecting';
    const socket: WidgetSocket = io(`${this.server}/widget`, {
      // A function: every reconnect sends the newest token.
      auth: (cb) => cb({ inbox: this.inbox, token: this.#storedToken(), ...(this.#identity ? { identity: this.#identity } : {}) }),
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
    this.#socket = socket;
    socket.on('session', (s) => {
      this.#token = s.token;
      this.#store(s.token);
      this.status = 'online';
      this.refusal = null;
      this.visitor = s.visitor;
      this.hasMore = s.hasMore;
      this.agentsOnline = s.agents.online;
      const pending = this.messages.filter((m) => m.local);
      this.messages = ordered([...s.messages, ...pending.filter((p) => !s.messages.some((m) => m.clientId === p.clientId))]);
      for (const p of pending) if (p.local?.state === 'sending') void this.#deliver(p);
      this.#arrived(s.messages.filter((m) => m.from === 'agent' && m.status !== 'read'));
    });
    socket.on('message', (m) => {
      if (this.#upsert(m) && m.from === 'agent') {
        this.agentTyping = null;
        this.#arrived([m]);
      }
    });
    socket.on('message:status', ({ id, status }) => {
      this.messages = this.messages.map((m) => (m.id === id ? { ...m, status } : m));
    });
    socket.on('typing', ({ typing, name }) => {
      clearTimeout(this.#agentTypingTimer);
      this.agentTyping = typing ? (name ?? '') : null;
      if (typing) this.#agentTypingTimer = setTimeout(() => (this.agentTyping = null), AGENT_TYPING_EXPIRES_MS);
    });
    socket.on('agents', (a) => (this.agentsOnline = a.online));
    socket.on('connect_error', (err) => {
      const data = (err as Error & { data?: WidgetConnectError }).data;
      if (data?.code) {
        // Refused by the server (not a network problem): stop and say why.
        this.status = 'refused';
        this.refusal = data;
        socket.close();
        this.#socket = null;
        console.error(`Switchboard chat: ${data.code}: ${data.message}`);
      } else {
        this.status = 'offline';
      }
    });
    socket.on('disconnect', () => {
      if (this.status === 'online') this.status = 'offline';
    });
  }

  #reconnect(): void {
    this.#socket?.close();
    this.#socket = null;
    this.connect();
  }

  /** The site's logged-in customer changed (or logged out: null): a different visitor from now on. */
  identify(identity: WidgetIdentity | null): void {
    this.#identity = identity;
    this.messages = [];
    if (this.#socket) this.#reconnect();
  }

  /** Forget this browser's visitor (shared computers). */
  logout(): void {
    try {
      localStorage.removeItem(this.#key);
    } catch {
      /* nothing stored */
    }
    this.identify(null);
  }

  /** Adds or replaces a message (by id, or this tab's copy by client id); true when it is new here. */
  #upsert(m: WidgetMessage): boolean {
    const i = this.messages.findIndex((x) => x.id === m.id || (m.clientId !== null && x.clientId === m.clientId));
    if (i >= 0) {
      const next = [...this.messages];
      next[i] = m;
      this.messages = ordered(next);
      return false;
    }
    this.messages = ordered([...this.messages, m]);
    return true;
  }

  /** Agent replies arrived: read when the visitor can see them, else delivered (and counted as unread). */
  #arrived(replies: WidgetMessage[]): void {
    if (replies.length === 0) return;
    if (this.#visible()) this.#markRead();
    else {
      this.unread += replies.length;
      this.#socket?.emit('messages:ack', { ids: replies.map((m) => m.id), status: 'delivered' });
    }
  }

  #visible(): boolean {
    return this.isOpen && document.visibilityState === 'visible';
  }

  #markRead(): void {
    if (!this.#visible()) return;
    this.unread = 0;
    const ids = this.messages.filter((m) => m.from === 'agent' && m.status !== 'read').map((m) => m.id);
    if (ids.length === 0 || !this.#socket) return;
    this.#socket.emit('messages:ack', { ids, status: 'read' });
    this.messages = this.messages.map((m) => (ids.includes(m.id) ? { ...m, status: 'read' } : m));
  }

  setOpen(open: boolean): void {
    this.isOpen = open;
    if (open) {
      this.connect();
      this.#markRead();
    }
  }

  /** The pre-chat form still has to be filled in. */
  get needsPreChat(): boolean {
    const form = this.config?.preChatForm;
    if (!form?.enabled || !this.visitor || this.visitor.verified || this.messages.length > 0) return false;
    const missing = (form.name === 'required' && !this.visitor.name) || (form.email === 'required' && !this.visitor.email);
    return missing || (!this.preChatSent && !this.visitor.name && !this.visitor.email);
  }

  #emit<T extends object>(send: (ack: (r: WidgetAck<T>) => void) => void): Promise<WidgetAck<T>> {
    return new Promise((resolve) => send(resolve));
  }

  async saveProfile(p: { name?: string; email?: string }): Promise<WidgetError | null> {
    const socket = this.#socket;
    if (!socket) return { code: 'unavailable', message: 'not connected' };
    const r = await this.#emit<{ token: string; visitor: WidgetVisitor }>((ack) => socket.emit('profile:set', p, ack));
    if (!r.ok) return r.error;
    this.#token = r.token;
    this.#store(r.token);
    this.visitor = r.visitor;
    this.preChatSent = true;
    return null;
  }

  send(text: string, files: File[]): void {
    const m: ChatMessage = {
      id: `local-${randomId()}`,
      clientId: randomId(),
      conversationId: '',
      from: 'visitor',
      author: null,
      text,
      attachments: files.map((f, i) => ({ id: `local-${i}`, name: f.name, contentType: f.type, size: f.size, path: '' })),
      status: 'sent',
      viaEmail: false,
      createdAt: new Date().toISOString(),
      local: { state: 'sending', files },
    };
    this.messages = ordered([...this.messages, m]);
    this.#stopTyping();
    void this.#deliver(m);
  }

  retry(m: ChatMessage): void {
    if (!m.local) return;
    const again: ChatMessage = { ...m, local: { state: 'sending', files: m.local.files } };
    this.messages = this.messages.map((x) => (x.id === m.id ? again : x));
    void this.#deliver(again);
  }

  /** Uploads the files, then sends; a refusal leaves the message here, marked, for a retry. */
  async #deliver(m: ChatMessage): Promise<void> {
    const socket = this.#socket;
    if (!socket?.connected || !m.local) return; // sent once the session is back
    const fail = (error: WidgetError) => {
      this.messages = this.messages.map((x) => (x.id === m.id ? { ...x, local: { state: 'failed', error, files: m.local?.files ?? [] } } : x));
    };
    const uploads: string[] = [];
    for (const file of m.local.files) {
      const res = await fetch(`${this.server}/widget/api/uploads?inbox=${encodeURIComponent(this.inbox)}`, {
        method: 'POST',
        headers: { 'content-type': file.type || 'application/octet-stream', 'x-switchboard-visitor': this.#storedToken() ?? '', 'x-filename': encodeURIComponent(file.name) },
        body: file,
      }).catch(() => null);
      if (!res?.ok) {
        const body = (await res?.json().catch(() => null)) as { error?: { message?: string; details?: { widgetCode?: WidgetError['code'] } } } | null;
        return fail({ code: body?.error?.details?.widgetCode ?? (res?.status === 413 ? 'payload_too_large' : res?.status === 429 ? 'rate_limited' : 'invalid_upload'), message: body?.error?.message ?? 'upload failed' });
      }
      uploads.push(((await res.json()) as WidgetUpload).upload);
    }
    const r = await this.#emit<{ message: WidgetMessage }>((ack) =>
      socket.emit('message:send', { clientId: m.clientId!, text: m.text, uploads, pageUrl: location.href }, ack),
    );
    if (!r.ok) return fail(r.error);
    this.messages = ordered([...this.messages.filter((x) => x.id !== m.id && x.id !== r.message.id), r.message]);
  }

  async loadEarlier(): Promise<void> {
    const socket = this.#socket;
    const oldest = this.messages.find((m) => !m.local);
    if (!socket || !oldest) return;
    const r = await this.#emit<{ messages: WidgetMessage[]; hasMore: boolean }>((ack) => socket.emit('history', { before: oldest.id }, ack));
    if (!r.ok) return;
    this.hasMore = r.hasMore;
    this.messages = ordered([...r.messages.filter((m) => !this.messages.some((x) => x.id === m.id)), ...this.messages]);
  }

  /** The visitor types: agents see it (sent when it starts, repeated while it lasts, cleared after a pause). */
  typing(): void {
    const socket = this.#socket;
    if (!socket?.connected) return;
    const now = Date.now();
    if (now - this.#typingSentAt > TYPING_REPEAT_MS) {
      socket.emit('typing', true);
      this.#typingSentAt = now;
    }
    clearTimeout(this.#typingIdle);
    this.#typingIdle = setTimeout(() => this.#stopTyping(), TYPING_IDLE_MS);
  }

  #stopTyping(): void {
    clearTimeout(this.#typingIdle);
    if (this.#typingSentAt === 0) return;
    this.#typingSentAt = 0;
    this.#socket?.emit('typing', false);
  }
}
