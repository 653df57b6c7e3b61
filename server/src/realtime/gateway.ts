import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../contracts/realtime.ts';
import type { UserActor } from '../domain/actor.ts';
import type { AuthService } from '../domain/auth-service.ts';
import { visibleInboxIds } from '../domain/access.ts';
import type { Logger } from '../lib/logger.ts';
import { eventsRepo, type EventRow } from '../repositories/events.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Store } from '../repositories/store.ts';
import { toRealtimeEvent, type PublishedEvent } from './relay.ts';
import { rooms } from './rooms.ts';
import { SESSION_COOKIE } from '../http/middleware/auth.ts';

interface SocketData {
  actor: UserActor;
}

type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AgentServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const REPLAY_PAGE = 1000;
const REPLAY_MAX = 20_000;

export interface GatewayDeps {
  store: Store;
  auth: AuthService;
  log: Logger;
  redisUrl: string | undefined;
  publicUrl: string;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/**
 * The agents' Socket.IO gateway. Sockets join their user room and the rooms of the inboxes they
 * may see; published events go to exactly those rooms. On every (re)connect the client passes
 * the last seq it applied and first receives everything after it that it may see.
 */
export class Gateway {
  readonly io: AgentServer;
  readonly #d: GatewayDeps;
  #redisClients: Array<{ quit(): Promise<unknown> }> = [];

  constructor(http: HttpServer, deps: GatewayDeps) {
    this.#d = deps;
    this.io = new Server(http, { serveClient: false, connectionStateRecovery: undefined });
    this.io.use((socket, next) => {
      this.#authenticate(socket).then(
        (actor) => {
          socket.data.actor = actor;
          next();
        },
        (err: Error) => next(err),
      );
    });
    this.io.on('connection', (socket) => void this.#onConnection(socket));
  }

  /** Shares rooms across instances through Redis (REDIS_URL). */
  async attachRedis(): Promise<void> {
    if (!this.#d.redisUrl) return;
    const pub = createClient({ url: this.#d.redisUrl });
    const sub = pub.duplicate();
    pub.on('error', (err: Error) => this.#d.log.error({ err }, 'redis pub error'));
    sub.on('error', (err: Error) => this.#d.log.error({ err }, 'redis sub error'));
    await Promise.all([pub.connect(), sub.connect()]);
    this.io.adapter(createAdapter(pub, sub));
    this.#redisClients = [pub, sub];
  }

  publish(events: PublishedEvent[]): void {
    for (const { event, audience } of events) this.io.to(audienceRooms(audience)).emit('event', event);
  }

  /** Re-computes inbox rooms of a workspace's connected sockets after memberships or inboxes change. */
  async syncRooms(workspaceId: string): Promise<void> {
    const sockets = await this.io.in(rooms.workspace(workspaceId)).fetchSockets();
    const inboxIds = (await inboxesRepo.list(this.#d.store.prisma, workspaceId)).map((i) => i.id);
    for (const s of sockets) {
      const actor = s.data.actor;
      const visible = new Set((await visibleInboxIds(this.#d.store.prisma, actor)) ?? inboxIds);
      const leave = inboxIds.filter((id) => !visible.has(id)).map(rooms.inbox);
      if (leave.length) s.leave(leave as never);
      for (const id of visible) s.join(rooms.inbox(id));
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.io.close(() => resolve()));
    await Promise.allSettled(this.#redisClients.map((c) => c.quit()));
  }

  async #authenticate(socket: AgentSocket): Promise<UserActor> {
    const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
    if (typeof auth.token === 'string' && auth.token) {
      const actor = await this.#d.auth.authenticateToken(auth.token);
      if (!actor) throw new Error('unauthenticated');
      return actor;
    }
    // Cookie auth: refuse cross-site origins (no CSRF token on a socket handshake).
    const origin = socket.handshake.headers.origin;
    if (origin && !this.#sameOrigin(origin, socket.handshake.headers.host)) throw new Error('forbidden origin');
    const token = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    const session = token ? await this.#d.auth.authenticateSession(token) : null;
    if (!session) throw new Error('unauthenticated');
    return session.actor;
  }

  #sameOrigin(origin: string, host: string | undefined): boolean {
    try {
      const o = new URL(origin);
      return o.host === host || o.origin === new URL(this.#d.publicUrl).origin;
    } catch {
      return false;
    }
  }

  async #onConnection(socket: AgentSocket): Promise<void> {
    const actor = socket.data.actor;
    const db = this.#d.store.prisma;
    try {
      const visible = (await visibleInboxIds(db, actor)) ?? (await inboxesRepo.list(db, actor.workspaceId)).map((i) => i.id);
      // Join first, then replay: anything published meanwhile arrives live (held back by the
      // client until replay:done) or in the replay; the client drops seqs it already applied.
      await socket.join([rooms.user(actor.userId), rooms.workspace(actor.workspaceId), ...visible.map(rooms.inbox)]);
      socket.on('ping', (ack) => typeof ack === 'function' && ack(new Date().toISOString()));

      const raw = (socket.handshake.auth as HandshakeAuth | undefined)?.lastSeq;
      const lastSeq = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
      if (lastSeq === null) {
        socket.emit('replay:done', { lastSeq: Number(await eventsRepo.maxSeq(db)), count: 0, truncated: false });
        return;
      }
      let after = BigInt(lastSeq);
      let count = 0;
      let truncated = false;
      for (;;) {
        const page = await eventsRepo.replay(db, {
          workspaceId: actor.workspaceId,
          afterSeq: after,
          inboxIds: actor.role === 'agent' ? visible : null,
          userId: actor.userId,
          limit: REPLAY_PAGE,
        });
        for (const row of page) socket.emit('event', { ...toRealtimeEvent(row as EventRow), replay: true });
        count += page.length;
        const last = page.at(-1);
        if (last?.seq != null) after = last.seq;
        if (page.length < REPLAY_PAGE) break;
        if (count >= REPLAY_MAX) {
          truncated = true; // the client should reload its lists instead
          break;
        }
      }
      socket.emit('replay:done', { lastSeq: Number(after), count, truncated });
    } catch (err) {
      this.#d.log.error({ err }, 'socket setup failed');
      socket.disconnect(true);
    }
  }
}

/** Where an event goes: one user's room, else the inbox's room (same rule as eventsRepo.replay). */
export function audienceRooms(a: PublishedEvent['audience']): string[] {
  if (a.userId) return [rooms.user(a.userId)];
  if (a.inboxId) return [rooms.inbox(a.inboxId)];
  return [rooms.workspace(a.workspaceId)];
}
