import { commitWithNext, type Db } from './store.ts';
import type { AuthorType, Prisma } from '@switchboard/db';

export interface NewEvent {
  workspaceId: string;
  type: string;
  actorType: AuthorType;
  actorId?: string | null;
  inboxId?: string | null;
  userId?: string | null;
  conversationId?: string | null;
  payload: Prisma.InputJsonValue;
}

export type EventRow = {
  id: bigint;
  seq: bigint;
  workspaceId: string;
  type: string;
  actorType: AuthorType;
  actorId: string | null;
  inboxId: string | null;
  userId: string | null;
  conversationId: string | null;
  payload: unknown;
  createdAt: Date;
};

// Any constant works; it only has to be the same in every instance.
const RELAY_LOCK = 727_100_001;

const eventColumns = {
  id: true,
  seq: true,
  workspaceId: true,
  type: true,
  actorType: true,
  actorId: true,
  inboxId: true,
  userId: true,
  conversationId: true,
  payload: true,
  createdAt: true,
} as const;

export const eventsRepo = {
  append: (db: Db, e: NewEvent) => db.event.create({ data: e, select: { id: true } }),
  /**
   * Numbers the oldest unpublished events in commit order. Must run inside a transaction: the
   * advisory lock, held until that transaction ends, makes the relays of all instances take
   * turns, so seq is gap-free and numbered events become visible in seq order (whoever reads
   * `seq > n` sees a prefix of the sequence; see realtime/feed.ts).
   */
  async claimUnpublished(tx: Db, limit: number): Promise<EventRow[]> {
    await tx.$executeRaw`/* prepare: */ SELECT pg_advisory_xact_lock(${RELAY_LOCK})`;
    // The unnumbered events come from a partial index that holds only them (Event_unnumbered_idx, made by a
    // migration). The transaction ends with this statement: its COMMIT goes along.
    commitWithNext(tx);
    const rows = await tx.$queryRaw<EventRow[]>`/* prepare: */
      WITH next AS (
        SELECT id, row_number() OVER (ORDER BY id) AS rn FROM "Event"
        WHERE seq IS NULL ORDER BY id LIMIT ${limit}
      ), base AS (SELECT COALESCE(MAX(seq), 0) AS m FROM "Event")
      UPDATE "Event" e SET seq = base.m + next.rn, "publishedAt" = now()
      FROM next, base WHERE e.id = next.id
      RETURNING e.id, e.seq, e."workspaceId", e.type, e."actorType", e."actorId", e."inboxId", e."userId",
                e."conversationId", e.payload, e."createdAt"`;
    return rows.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  },
  /** Numbered events after `afterSeq`, every workspace, in seq order (the gateway's feed). */
  publishedAfter: async (db: Db, afterSeq: number, limit: number): Promise<EventRow[]> =>
    (await db.event.findMany({
      where: { seq: { gt: BigInt(afterSeq) } },
      orderBy: { seq: 'asc' },
      take: limit,
      select: eventColumns,
    })) as EventRow[],
  /**
   * Replay for one user: numbered events in (`afterSeq`, `upToSeq`] that the audience rule lets them see,
   * the same rule as the live rooms (realtime/gateway.ts audienceRooms): an event for one user
   * goes to that user only; else an inbox's event to whoever may see the inbox (`inboxIds`:
   * null = every inbox of the workspace); else a workspace-wide event to the whole workspace.
   */
  replay: async (
    db: Db,
    q: { workspaceId: string; afterSeq: bigint; upToSeq?: bigint; inboxIds: string[] | null; userId: string; limit: number },
  ): Promise<EventRow[]> =>
    (await db.event.findMany({
      where: {
        workspaceId: q.workspaceId,
        seq: { gt: q.afterSeq, ...(q.upToSeq === undefined ? {} : { lte: q.upToSeq }) },
        OR: [
          { userId: q.userId },
          q.inboxIds === null ? { userId: null } : { userId: null, OR: [{ inboxId: null }, { inboxId: { in: q.inboxIds } }] },
        ],
      },
      orderBy: { seq: 'asc' },
      take: q.limit,
      select: eventColumns,
    })) as EventRow[],
  maxSeq: async (db: Db) => (await db.event.aggregate({ _max: { seq: true } }))._max.seq ?? 0n,
};
