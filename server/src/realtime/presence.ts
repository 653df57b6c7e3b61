import { z } from 'zod';
import type { PresenceActivity, PresenceEntry, PresenceJoinAck } from '../contracts/presence.ts';
import { canSeeInbox } from '../domain/access.ts';
import type { Logger } from '../lib/logger.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import type { Store } from '../repositories/store.ts';
import type { AgentServer, AgentSocket, SocketData } from './gateway.ts';
import { rooms } from './rooms.ts';

/** An entry lapses this long after its last refresh (the console refreshes every 20 s). */
export const PRESENCE_TTL_MS = 60_000;
/** Replying / writing a note falls back to viewing this long after its last refresh (sent every few seconds while typing). */
export const ACTIVITY_TTL_MS = 8_000;
/** Conversations one socket may have open at once. */
const MAX_OPEN = 20;
/** An unchanged activity is passed on at most this often. */
const MIN_REPEAT_MS = 1_000;

/** One open conversation of a socket, kept in socket.data so that every instance can read it (fetchSockets). */
export interface PresenceSlot {
  inboxId: string;
  activity: PresenceActivity;
  /** Last refresh (ms since epoch, server time). */
  at: number;
  /** Last refresh of a replying/note activity. */
  activityAt: number;
}

const Join = z.object({ conversationId: z.uuid() });
const Update = z.object({ conversationId: z.uuid(), activity: z.enum(['viewing', 'replying', 'note']) });

function entryOf(conversationId: string, connection: string, data: SocketData, slot: PresenceSlot | null, now: number): PresenceEntry {
  const agent = { id: data.actor.userId, name: data.actor.name };
  if (!slot) return { conversationId, connection, agent, activity: null, ttlMs: 0, activityTtlMs: null };
  const activityLeft = slot.activity === 'viewing' ? 0 : slot.activityAt + ACTIVITY_TTL_MS - now;
  return {
    conversationId,
    connection,
    agent,
    activity: activityLeft > 0 ? slot.activity : 'viewing',
    ttlMs: Math.max(0, slot.at + PRESENCE_TTL_MS - now),
    activityTtlMs: activityLeft > 0 ? activityLeft : null,
  };
}

/** Tells the other sockets in the conversation (on every instance) about this socket's presence there. */
function announce(socket: AgentSocket, conversationId: string): void {
  const slot = socket.data.presence?.[conversationId] ?? null;
  socket.to(rooms.conversation(conversationId)).emit('presence', entryOf(conversationId, socket.id, socket.data, slot, Date.now()));
}

/**
 * For the gateway's access sync: the rooms of the socket's open conversations whose inbox it may still see
 * (`inboxIds`, null = every inbox). Conversations it may no longer see are dropped and the others told it left
 * (the gateway then leaves their rooms).
 */
export function presenceRooms(socket: AgentSocket, inboxIds: string[] | null): string[] {
  const slots = socket.data.presence;
  if (!slots) return [];
  const keep: string[] = [];
  for (const [id, slot] of Object.entries(slots)) {
    if (inboxIds === null || inboxIds.includes(slot.inboxId)) {
      keep.push(rooms.conversation(id));
    } else {
      delete slots[id];
      announce(socket, id);
    }
  }
  return keep;
}

/**
 * Collision detection: which agents have a conversation open, and who is writing a reply or a note in it.
 * Live only (never in the event log). A socket joins the room of each conversation it opens, after the same
 * access check as the REST API; its state lives in socket.data, so it is adapter-safe: changes are broadcast
 * to the room (every instance, through the Redis adapter), and a joining socket reads the others' state with
 * fetchSockets. Entries carry time-to-live values, so a crashed instance's sockets lapse on their own.
 */
export class Presence {
  readonly #io: AgentServer;
  readonly #store: Store;
  readonly #log: Logger;

  constructor(io: AgentServer, store: Store, log: Logger) {
    this.#io = io;
    this.#store = store;
    this.#log = log;
  }

  /** Registers the presence handlers of a connected socket. */
  attach(socket: AgentSocket): void {
    socket.on('presence:join', (p, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      this.#join(socket, p).then(reply, (err: unknown) => {
        this.#log.warn({ err }, 'presence join failed');
        reply({ ok: false, error: 'not_found' });
      });
    });
    socket.on('presence', (p) => this.#update(socket, p));
    socket.on('presence:leave', (p) => {
      const parsed = Join.safeParse(p);
      if (parsed.success) this.#leave(socket, parsed.data.conversationId);
    });
    socket.on('disconnecting', () => {
      for (const id of Object.keys(socket.data.presence ?? {})) this.#leave(socket, id);
    });
  }

  async #join(socket: AgentSocket, p: unknown): Promise<PresenceJoinAck> {
    const parsed = Join.safeParse(p);
    if (!parsed.success) return { ok: false, error: 'invalid' };
    const id = parsed.data.conversationId;
    const slots = (socket.data.presence ??= {});
    if (!slots[id] && Object.keys(slots).length >= MAX_OPEN) return { ok: false, error: 'too_many' };
    const { actor } = socket.data;
    const db = this.#store.prisma;
    const c = await conversationsRepo.get(db, actor.workspaceId, id);
    if (!c || !(await canSeeInbox(db, socket.data.actor, c.inboxId))) return { ok: false, error: 'not_found' };
    if (!socket.connected) return { ok: false, error: 'not_found' };
    const now = Date.now();
    slots[id] = { inboxId: c.inboxId, activity: 'viewing', at: now, activityAt: now };
    await socket.join(rooms.conversation(id));
    announce(socket, id);
    const others = await this.#io.in(rooms.conversation(id)).fetchSockets();
    const at = Date.now();
    const entries = others.flatMap((s) => {
      const slot = s.id === socket.id ? undefined : s.data.presence?.[id];
      const e = slot && entryOf(id, s.id, s.data, slot, at);
      return e && e.ttlMs > 0 ? [e] : [];
    });
    return { ok: true, entries };
  }

  #update(socket: AgentSocket, p: unknown): void {
    const parsed = Update.safeParse(p);
    if (!parsed.success) return;
    const { conversationId, activity } = parsed.data;
    const slot = socket.data.presence?.[conversationId];
    if (!slot) return; // not joined (or access lost): join first
    const now = Date.now();
    if (slot.activity === activity && now - slot.at < MIN_REPEAT_MS) return;
    slot.activity = activity;
    slot.at = now;
    if (activity !== 'viewing') slot.activityAt = now;
    announce(socket, conversationId);
  }

  #leave(socket: AgentSocket, conversationId: string): void {
    const slots = socket.data.presence;
    if (!slots?.[conversationId]) return;
    delete slots[conversationId];
    announce(socket, conversationId);
    void socket.leave(rooms.conversation(conversationId));
  }
}
