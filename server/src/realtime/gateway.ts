import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents } from '../contracts/realtime.ts';
import type { UserActor } from '../domain/actor.ts';
import type { AuthService } from '../domain/auth-service.ts';
import type { Logger } from '../lib/logger.ts';
import { authenticateHandshake, HandshakeError } from './handshake.ts';
import { replayEvents } from './replay.ts';
import type { Store } from '../repositories/store.ts';
import { loadSocketAccess, type SocketCredential } from './access.ts';
import { EventFeed } from './feed.ts';
import type { PublishedEvent } from './relay.ts';
import { Presence, presenceRooms, type PresenceSlot } from './presence.ts';
import { rooms } from './rooms.ts';

export interface SocketData {
  actor: UserActor;
  /** Conversations this socket has open (realtime/presence.ts), by id. */
  presence?: Record<string, PresenceSlot>;
}

/** Messages between the instances (through the Redis adapter). */
interface InterServerEvents {
  /** Events another instance's relay numbered (committed): offered to every feed. */
  events: (events: PublishedEvent[]) => void;
  /** Who may see what changed in a workspace: re-check the local sockets, then ack. */
  'access:changed': (workspaceId: string, ack: (ok: boolean) => void) => void;
}

export type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AgentServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** Per local socket: how it authenticated and the access last applied to its rooms. */
interface SocketState {
  credential: SocketCredential;
  /** Generation of the access load last applied (see #refresh); 0 = none yet. */
  gen: number;
  inboxIds: string[] | null;
  /**
   * The feed's position when the socket first joined its rooms: it receives every later event
   * live, so its replay covers (lastSeq, liveFrom] exactly (no gap, no repeats).
   */
  liveFrom: number | null;
}

const REMOTE_SYNC_TIMEOUT_MS = 5_000;

export interface GatewayDeps {
  store: Store;
  auth: AuthService;
  log: Logger;
  redisUrl: string | undefined;
  /** Prefix of the Redis channels (SWITCHBOARD_REDIS_PREFIX). */
  redisPrefix?: string;
  publicUrl: string;
  /** How often the feed looks for events it was not told about (ms). */
  pollMs?: number;
  /** How often every socket's session/token and memberships are re-checked anyway (ms). */
  revalidateMs?: number;
}


/**
 * The agents' Socket.IO gateway. Sockets join their user room, their workspace room and the
 * rooms of the inboxes they may see (admins and leads: the workspace's all-inboxes room). Each
 * instance's EventFeed emits committed events in seq order to its own sockets' rooms. On every
 * (re)connect the socket joins its rooms first and then replays, from the table, everything
 * after the `lastSeq` it sent that it may see, so nothing falls between replay and live.
 */
export class Gateway {
  readonly io: AgentServer;
  readonly #d: GatewayDeps;
  readonly #feed: EventFeed;
  readonly #presence: Presence;
  readonly #state = new WeakMap<AgentSocket, SocketState>();
  /** This instance's connected sockets by workspace (what syncs re-check). */
  readonly #sockets = new Map<string, Set<AgentSocket>>();
  readonly #pending = new Set<Promise<unknown>>();
  readonly #listeners = new Set<(e: PublishedEvent) => void>();
  #redisClients: Array<{ close(): Promise<unknown> }> = [];
  #gen = 0;
  #closed = false;
  #revalidateTimer: NodeJS.Timeout | undefined;
  #started: Promise<void> | undefined;
  #markReady!: () => void;
  readonly #ready = new Promise<void>((resolve) => (this.#markReady = resolve));

  constructor(http: HttpServer, deps: GatewayDeps) {
    this.#d = deps;
    this.#feed = new EventFeed(deps.store, (e) => this.#emit(e), deps.log, deps.pollMs);
    this.io = new Server(http, { serveClient: false });
    this.#presence = new Presence(this.io, deps.store, deps.log);
    this.io.use((socket, next) => {
      this.#authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          if (err instanceof HandshakeError) return next(err);
          this.#d.log.error({ err }, 'socket handshake failed');
          next(new Error('unavailable'));
        },
      );
    });
    this.io.on('connection', (socket) => void this.#track(this.#onConnection(socket)));
    this.io.on('events', (events) => this.#feed.offer(events));
    this.io.on('access:changed', (workspaceId, ack) => {
      this.#syncLocal(workspaceId).then(
        () => ack(true),
        (err: unknown) => {
          this.#d.log.error({ err }, 'room sync failed');
          ack(false);
        },
      );
    });
  }

  /** Attaches Redis (REDIS_URL) and starts the feed. Sockets wait for it before they replay. */
  start(): Promise<void> {
    return (this.#started ??= (async () => {
      await this.#attachRedis();
      await this.#feed.start();
      const every = this.#d.revalidateMs ?? 60_000;
      this.#revalidateTimer = setInterval(() => this.#revalidateAll(), every);
      this.#revalidateTimer.unref();
      this.#markReady();
    })());
  }

  /** Shares rooms and inter-instance messages through Redis (REDIS_URL). */
  async #attachRedis(): Promise<void> {
    if (!this.#d.redisUrl) return;
    const pub = createClient({ url: this.#d.redisUrl });
    const sub = pub.duplicate();
    pub.on('error', (err: Error) => this.#d.log.error({ err }, 'redis pub error'));
    sub.on('error', (err: Error) => this.#d.log.error({ err }, 'redis sub error'));
    await Promise.all([pub.connect(), sub.connect()]);
    this.io.adapter(createAdapter(pub, sub, { key: this.#d.redisPrefix ?? 'socket.io', requestsTimeout: REMOTE_SYNC_TIMEOUT_MS }));
    this.#redisClients = [pub, sub];
  }

  /** The relay's callback: events it numbered and committed. */
  publish(events: PublishedEvent[]): void {
    if (this.#closed || events.length === 0) return;
    this.#feed.offer(events);
    if (this.#redisClients.length) this.io.serverSideEmit('events', events);
  }

  /** Resolves once every event committed before the call was emitted to this instance's sockets. */
  flush(): Promise<void> {
    return this.#feed.flush();
  }

  /**
   * Re-checks the sockets of a workspace on every instance after who-may-see-what changed
   * (inboxes, memberships, roles, disabled users, deleted sessions): rooms are recomputed and
   * sockets whose user or credential is no longer valid are disconnected. Resolves once this
   * instance is done and the others acknowledged (or did not within 5 s).
   */
  syncRooms(workspaceId: string): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return this.#track(
      Promise.all([this.#syncLocal(workspaceId), this.#redisClients.length ? this.#syncRemote(workspaceId) : undefined]).then(() => undefined),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#revalidateTimer);
    await this.#started?.catch(() => {});
    this.#markReady(); // sockets still waiting for start() give up
    await this.#feed.stop();
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
    await new Promise<void>((resolve) => void this.io.close(() => resolve()));
    await Promise.allSettled(this.#redisClients.map((c) => c.close()));
    this.#redisClients = [];
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#pending.add(p);
    const done = () => this.#pending.delete(p);
    p.then(done, done);
    return p;
  }

  /**
   * Every committed event this instance's feed emits, in seq order, after its sockets got it (the chat
   * widget's namespace forwards visitors' messages from here). Listeners must be synchronous and quick.
   */
  onEvent(listener: (e: PublishedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(published: PublishedEvent): void {
    this.io.local.to(audienceRooms(published.audience)).emit('event', published.event);
    for (const l of this.#listeners) {
      try {
        l(published);
      } catch (err) {
        this.#d.log.error({ err, seq: published.event.seq }, 'an event listener failed');
      }
    }
  }

  async #syncRemote(workspaceId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), REMOTE_SYNC_TIMEOUT_MS + 1_000);
      timer.unref();
    });
    try {
      const r = await Promise.race([this.io.serverSideEmitWithAck('access:changed', workspaceId), timeout]);
      if (r === 'timeout') this.#d.log.warn({ workspaceId }, 'other instances did not confirm the room sync');
    } catch (err) {
      this.#d.log.warn({ err, workspaceId }, 'other instances did not confirm the room sync');
    } finally {
      clearTimeout(timer);
    }
  }

  #syncLocal(workspaceId: string): Promise<void> {
    const sockets = [...(this.#sockets.get(workspaceId) ?? [])];
    return sockets.length ? this.#track(this.#refresh(workspaceId, sockets)) : Promise.resolve();
  }

  #revalidateAll(): void {
    if (this.#closed) return;
    for (const workspaceId of this.#sockets.keys()) {
      this.#syncLocal(workspaceId).catch((err: unknown) => this.#d.log.error({ err }, 'socket revalidation failed'));
    }
  }

  /**
   * Loads the current access of `sockets` and applies it. Loads are numbered when they start;
   * a socket only takes a load newer than the one it has, so concurrent syncs (and a connect
   * racing a sync) never leave a socket with stale rooms: the newest load started after the
   * latest change committed.
   */
  async #refresh(workspaceId: string, sockets: AgentSocket[]): Promise<void> {
    const gen = ++this.#gen;
    const subjects = sockets.flatMap((s) => {
      const st = this.#state.get(s);
      return st ? [{ socket: s, st }] : [];
    });
    const access = await loadSocketAccess(
      this.#d.store.prisma,
      workspaceId,
      subjects.map(({ socket, st }) => ({ userId: socket.data.actor.userId, via: socket.data.actor.via, credential: st.credential })),
    );
    subjects.forEach(({ socket, st }, i) => {
      if (gen <= st.gen || !socket.connected) return;
      st.gen = gen;
      const a = access[i];
      if (!a) {
        socket.disconnect(true);
        return;
      }
      socket.data.actor = a.actor;
      st.inboxIds = a.inboxIds;
      const want = new Set([
        socket.id,
        rooms.user(a.actor.userId),
        rooms.workspace(workspaceId),
        ...(a.inboxIds === null ? [rooms.allInboxes(workspaceId)] : a.inboxIds.map(rooms.inbox)),
        // Open conversations the user may still see (the others are left, and the other viewers told).
        ...presenceRooms(socket, a.inboxIds),
      ]);
      // Synchronous with the feed: events up to its cursor went out before the join, later ones
      // reach the rooms joined here.
      for (const room of [...socket.rooms]) if (!want.has(room)) void socket.leave(room);
      void socket.join([...want].filter((r) => !socket.rooms.has(r)));
      st.liveFrom ??= this.#feed.cursor;
    });
  }

  async #authenticate(socket: AgentSocket): Promise<void> {
    const { actor, credential } = await authenticateHandshake(this.#d.auth, socket.handshake, this.#d.publicUrl);
    socket.data.actor = actor;
    this.#state.set(socket, { credential, gen: 0, inboxIds: [], liveFrom: null });
  }

  async #onConnection(socket: AgentSocket): Promise<void> {
    socket.on('ping', (ack) => typeof ack === 'function' && ack(new Date().toISOString()));
    this.#presence.attach(socket);
    const db = this.#d.store.prisma;
    const st = this.#state.get(socket);
    if (!st) return void socket.disconnect(true);
    const { workspaceId } = socket.data.actor;
    try {
      await this.#ready;
      if (this.#closed || !socket.connected) return;
      // Registered first, access loaded after: a sync that misses this socket started before
      // the load below, which then sees that sync's change.
      let local = this.#sockets.get(workspaceId);
      if (!local) this.#sockets.set(workspaceId, (local = new Set()));
      local.add(socket);
      socket.once('disconnect', () => {
        local.delete(socket);
        if (local.size === 0 && this.#sockets.get(workspaceId) === local) this.#sockets.delete(workspaceId);
      });
      // Joins the rooms (or a sync that overtook this load already did), or refuses the socket.
      await this.#refresh(workspaceId, [socket]);
      if (!socket.connected || st.liveFrom === null) return;

      // Everything after liveFrom arrives live; the replay covers (lastSeq, liveFrom] from the
      // table (committed: the feed emits only committed events).
      const liveFrom = st.liveFrom;
      const raw = (socket.handshake.auth as HandshakeAuth | undefined)?.lastSeq;
      const lastSeq = typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : null;
      if (lastSeq === null) {
        socket.emit('replay:done', { lastSeq: liveFrom, count: 0, truncated: false });
        return;
      }
      const done = await replayEvents(
        db,
        { actor: socket.data.actor, inboxIds: st.inboxIds, lastSeq, liveFrom },
        (e) => socket.emit('event', e),
        () => socket.connected && !this.#closed,
      );
      if (done) socket.emit('replay:done', done);
    } catch (err) {
      this.#d.log.error({ err }, 'socket setup failed');
      socket.disconnect(true);
    }
  }
}

/**
 * Where an event goes (same rule as eventsRepo.replay): one user's room; else the inbox's room
 * and the workspace's all-inboxes room (admins, leads); else the whole workspace.
 */
export function audienceRooms(a: PublishedEvent['audience']): string[] {
  if (a.userId) return [rooms.user(a.userId)];
  if (a.inboxId) return [rooms.inbox(a.inboxId), rooms.allInboxes(a.workspaceId)];
  return [rooms.workspace(a.workspaceId)];
}
