import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/realtime.ts';
import { canSeeInbox } from '../domain/access.ts';
import type { UserActor } from '../domain/actor.ts';
import type { Logger } from '../lib/logger.ts';
import type { Gateway } from '../realtime/gateway.ts';
import { rooms } from '../realtime/rooms.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import type { Store } from '../repositories/store.ts';
import { uuids } from '../repositories/webchat.ts';
import type { VisitorSocket, WidgetNamespace } from './gateway.ts';
import { widgetRooms } from './rooms.ts';

type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { actor: UserActor }>;

/** A typing state is repeated at most this often while it lasts (clients expire it after a few seconds). */
const REPEAT_MS = 2_000;
const LOOKUP_CACHE_MS = 60_000;

interface State {
  typing: boolean;
  at: number;
}

/**
 * Typing indicators both ways, live only (never in the event log): a visitor's reach the agents who may see the
 * inbox (the agents' `typing` event), an agent's reach the visitor's widgets and the other agents. Throttled per
 * socket: a state goes out when it changes, and is repeated at most every REPEAT_MS while it lasts.
 */
export class Typing {
  readonly #agents: Gateway;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #state = new WeakMap<object, State>();
  readonly #conversations = new WeakMap<AgentSocket, Map<string, { at: number; target: { inboxId: string; contactId: string } | null }>>();
  #ns: WidgetNamespace | undefined;

  constructor(agents: Gateway, store: Store, log: Logger) {
    this.#agents = agents;
    this.#store = store;
    this.#log = log;
  }

  /** Starts relaying agents' typing to the widget namespace. */
  attach(ns: WidgetNamespace): void {
    this.#ns = ns;
    this.#agents.io.on('connection', (socket) => {
      const agent = socket as unknown as AgentSocket;
      agent.on('typing', (p) => void this.#agent(agent, p).catch((err: unknown) => this.#log.warn({ err }, 'agent typing failed')));
      agent.once('disconnect', () => this.#state.delete(agent));
    });
  }

  /** Whether this state should go out now (changed, or repeated after REPEAT_MS). */
  #due(socket: object, typing: boolean): boolean {
    const last = this.#state.get(socket);
    const now = Date.now();
    if (last && last.typing === typing && (!typing || now - last.at < REPEAT_MS)) return false;
    this.#state.set(socket, { typing, at: now });
    return true;
  }

  visitor(socket: VisitorSocket, typing: boolean, contact: () => Promise<string | null>): void {
    if (!this.#due(socket, typing)) return;
    void this.#visitorTyping(socket, typing, contact).catch((err: unknown) => this.#log.warn({ err }, 'visitor typing failed'));
  }

  /** The visitor sent their message or left: a typing indicator they left on goes off. */
  visitorStopped(socket: VisitorSocket): void {
    if (this.#state.get(socket)?.typing) this.visitor(socket, false, () => Promise.resolve(socket.data.contactId));
  }

  async #visitorTyping(socket: VisitorSocket, typing: boolean, contact: () => Promise<string | null>): Promise<void> {
    const { inbox, claims } = socket.data.session;
    const contactId = await contact();
    if (!contactId) return; // no conversation yet: nobody to show it to
    if (!socket.data.conversationId) socket.data.conversationId = (await conversationsRepo.latestForContact(this.#store.prisma, inbox.id, contactId))?.id ?? null;
    const conversationId = socket.data.conversationId;
    if (!conversationId) return;
    this.#agents.io
      .to([rooms.inbox(inbox.id), rooms.allInboxes(inbox.workspaceId)])
      .emit('typing', { conversationId, inboxId: inbox.id, author: { type: 'contact', id: contactId, name: claims.name ?? null }, typing });
  }

  async #agent(socket: AgentSocket, p: unknown): Promise<void> {
    const { conversationId, typing } = (p ?? {}) as { conversationId?: unknown; typing?: unknown };
    if (typeof conversationId !== 'string' || uuids([conversationId]).length === 0 || typeof typing !== 'boolean') return;
    const target = await this.#target(socket, conversationId);
    if (!target || !this.#due(socket, typing)) return;
    const { actor } = socket.data;
    socket
      .to([rooms.inbox(target.inboxId), rooms.allInboxes(actor.workspaceId)])
      .emit('typing', { conversationId, inboxId: target.inboxId, author: { type: 'agent', id: actor.userId, name: actor.name }, typing });
    this.#ns?.to(widgetRooms.contact(target.inboxId, target.contactId)).emit('typing', { typing, name: actor.name });
  }

  /** The conversation's inbox and contact, if the agent may see it (cached per socket for a minute). */
  async #target(socket: AgentSocket, conversationId: string): Promise<{ inboxId: string; contactId: string } | null> {
    let cache = this.#conversations.get(socket);
    if (!cache) this.#conversations.set(socket, (cache = new Map()));
    const hit = cache.get(conversationId);
    if (hit && Date.now() - hit.at < LOOKUP_CACHE_MS) return hit.target;
    const { actor } = socket.data;
    const c = await conversationsRepo.get(this.#store.prisma, actor.workspaceId, conversationId);
    const target = c && (await canSeeInbox(this.#store.prisma, actor, c.inboxId)) ? { inboxId: c.inboxId, contactId: c.contactId } : null;
    if (cache.size > 500) cache.clear();
    cache.set(conversationId, { at: Date.now(), target });
    return target;
  }
}
