import type { Namespace, Socket } from 'socket.io';
import type { WidgetAck, WidgetClientEvents, WidgetHandshakeAuth, WidgetServerEvents } from '../contracts/widget.ts';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Gateway } from '../realtime/gateway.ts';
import { HandshakeRefused, toWidgetError } from './errors.ts';
import { originAllowed } from './inboxes.ts';
import type { AgentPresence } from './presence.ts';
import { widgetRooms } from './rooms.ts';
import type { VisitorSession, WebchatService } from './service.ts';
import { Typing } from './typing.ts';
import { forwardEvent } from './forward.ts';
import { clientIpFrom } from '../lib/client-ip.ts';

export const WIDGET_NAMESPACE = '/widget';

export interface VisitorSocketData {
  session: VisitorSession;
  /** Null until the visitor's first message created their contact. */
  contactId: string | null;
  /** The conversation the visitor is in (typing indicators go there). */
  conversationId: string | null;
}

export type VisitorSocket = Socket<WidgetClientEvents, WidgetServerEvents, Record<string, never>, VisitorSocketData>;
export type WidgetNamespace = Namespace<WidgetClientEvents, WidgetServerEvents, Record<string, never>, VisitorSocketData>;

export interface WidgetGatewayDeps {
  agents: Gateway;
  webchat: WebchatService;
  presence: AgentPresence;
  typing: Typing;
  log: Logger;
  /** How often agent availability is re-checked for connected visitors (ms). */
  presenceMs?: number;
  /** TRUST_PROXY_HOPS (lib/client-ip.ts): a visitor's address for the per-address limits. */
  trustProxyHops?: number;
}

const refusal = (err: unknown): Error => {
  if (err instanceof HandshakeRefused) return err;
  if (err instanceof AppError && err.code === 'rate_limited') return new HandshakeRefused('rate_limited', err.message);
  return new HandshakeRefused('unavailable', 'The chat is unavailable right now');
};

/**
 * The chat widget's Socket.IO namespace, on the agents' server (same port and path). Its own auth: the
 * inbox's public token, the page's origin against the inbox's allowed origins, the visitor's signed token and
 * optionally a site-verified identity; a visitor socket never carries an agent's permissions. Visitor messages
 * go through the one ingest path (WebchatService → webhook service); new messages of the visitor's
 * conversations reach their widgets from the agents' event feed (forward.ts).
 */
export class WidgetGateway {
  readonly ns: WidgetNamespace;
  readonly #d: WidgetGatewayDeps;
  readonly #unsubscribe: () => void;

  constructor(deps: WidgetGatewayDeps) {
    this.#d = deps;
    const io = deps.agents.io;
    this.ns = io.of(WIDGET_NAMESPACE) as unknown as WidgetNamespace;
    // Widgets run on other sites: long-polling needs CORS (no credentials: agents' cookies never ride along).
    io.engine.use((req: { method?: string; headers: Record<string, string | undefined> }, res: { setHeader(k: string, v: string): void; writeHead(s: number): void; end(): void }, next: () => void) => {
      const origin = req.headers.origin;
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
        res.setHeader('Access-Control-Allow-Headers', 'content-type');
        res.writeHead(204);
        res.end();
        return;
      }
      next();
    });
    this.ns.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          if (!(err instanceof HandshakeRefused) && !(err instanceof AppError)) deps.log.error({ err }, 'widget handshake failed');
          next(refusal(err));
        },
      );
    });
    this.ns.on('connection', (socket) => void this.#onConnection(socket));
    this.#unsubscribe = deps.agents.onEvent((e) => forwardEvent(this.ns, e, deps.webchat));
    deps.typing.attach(this.ns);
    io.on('connection', (agent) => {
      deps.presence.kick();
      agent.once('disconnect', () => deps.presence.kick());
    });
    deps.presence.start(
      () => this.#localInboxes(),
      (inboxId, status) => this.ns.local.to(widgetRooms.inbox(inboxId)).emit('agents', status),
      deps.presenceMs ?? 15_000,
    );
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    await this.#d.presence.stop();
  }

  /** Inboxes this instance has visitors of. */
  #localInboxes() {
    const seen = new Map<string, { id: string; workspaceId: string }>();
    for (const s of this.ns.sockets.values()) seen.set(s.data.session.inbox.id, s.data.session.inbox);
    return [...seen.values()];
  }

  async #authenticate(socket: VisitorSocket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as Partial<WidgetHandshakeAuth>;
    const inbox = await this.#d.webchat.inboxes.byToken(auth.inbox);
    if (!inbox) throw new HandshakeRefused('unknown_inbox', 'No chat is configured for this inbox token');
    if (!originAllowed(inbox.ctx.settings.allowedOrigins, socket.handshake.headers.origin)) {
      throw new HandshakeRefused('forbidden_origin', 'This website may not embed this chat');
    }
    const ip = clientIpFrom(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], this.#d.trustProxyHops ?? 0);
    const { claims, token } = await this.#d.webchat.openSession(inbox, { token: auth.token, identity: auth.identity }, ip);
    socket.data = { session: { inbox, claims, token, ip }, contactId: null, conversationId: null };
  }

  async #onConnection(socket: VisitorSocket): Promise<void> {
    const { webchat, log } = this.#d;
    const { session } = socket.data;
    this.#handlers(socket);
    try {
      // Rooms first, then the lookups: a message stored meanwhile reaches the socket either way.
      await socket.join([widgetRooms.visitor(session.claims), widgetRooms.inbox(session.inbox.id)]);
      const contactId = await webchat.contactOf(session);
      if (contactId) await this.#joinContact(socket, contactId);
      const [history, agents] = await Promise.all([webchat.history(session, contactId), this.#d.presence.status(session.inbox)]);
      for (const m of history.messages) socket.data.conversationId = m.conversationId;
      await socket.join([...new Set(history.messages.map((m) => widgetRooms.conversation(m.conversationId)))]);
      socket.emit('session', { token: session.token, visitor: webchat.visitorOf(session.claims), messages: history.messages, hasMore: history.hasMore, agents });
    } catch (err) {
      log.error({ err }, 'widget session setup failed');
      socket.disconnect(true);
    }
  }

  async #joinContact(socket: VisitorSocket, contactId: string): Promise<void> {
    socket.data.contactId = contactId;
    await socket.join(widgetRooms.contact(socket.data.session.inbox.id, contactId));
  }

  /** The socket's contact: known at connect, or created since (by this visitor's message in another tab). */
  async #contact(socket: VisitorSocket): Promise<string | null> {
    if (socket.data.contactId) return socket.data.contactId;
    const id = await this.#d.webchat.contactOf(socket.data.session);
    if (id) await this.#joinContact(socket, id);
    return id;
  }

  #handlers(socket: VisitorSocket): void {
    const { webchat, log } = this.#d;
    const answer = <T extends object>(ack: unknown, work: () => Promise<T>) => {
      const reply = typeof ack === 'function' ? (ack as (r: WidgetAck<T>) => void) : () => {};
      Promise.resolve().then(work).then(
        (r) => reply({ ok: true, ...r }),
        (err: unknown) => {
          if (!(err instanceof AppError)) log.error({ err }, 'widget request failed');
          reply({ ok: false, error: toWidgetError(err) });
        },
      );
    };

    socket.on('message:send', (input, ack) =>
      answer(ack, async () => {
        const r = await webchat.send(socket.data.session, input);
        const { session } = socket.data;
        const contactRoom = widgetRooms.contact(session.inbox.id, r.contactId);
        const convRoom = widgetRooms.conversation(r.conversationId);
        socket.data.conversationId = r.conversationId;
        if (socket.data.contactId !== r.contactId || !socket.rooms.has(convRoom)) {
          // A new contact or conversation: every tab of this visitor joins it (on every instance), and gets
          // this first message directly (the feed may have emitted it before they joined).
          await this.#joinContact(socket, r.contactId);
          await socket.join(convRoom);
          this.ns.in(widgetRooms.visitor(session.claims)).socketsJoin([contactRoom, convRoom]);
          socket.to(widgetRooms.visitor(session.claims)).emit('message', r.message);
        }
        this.#d.typing.visitorStopped(socket);
        return { message: r.message };
      }),
    );

    socket.on('profile:set', (input, ack) =>
      answer(ack, () => {
        const r = webchat.setProfile(socket.data.session, input);
        socket.data.session = { ...socket.data.session, claims: r.claims, token: r.token };
        return Promise.resolve({ token: r.token, visitor: r.visitor });
      }),
    );

    socket.on('history', (q, ack) =>
      answer(ack, async () => webchat.history(socket.data.session, await this.#contact(socket), typeof q?.before === 'string' ? q.before : undefined)),
    );

    socket.on('messages:ack', (a) => {
      void (async () => {
        const contactId = await this.#contact(socket);
        if (contactId) await webchat.ack(socket.data.session, contactId, a?.ids, a?.status);
      })().catch((err: unknown) => log.warn({ err }, 'widget receipt failed'));
    });

    socket.on('typing', (typing) => this.#d.typing.visitor(socket, typing === true, () => this.#contact(socket)));
    socket.once('disconnect', () => this.#d.typing.visitorStopped(socket));
  }
}
