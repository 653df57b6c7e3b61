import type { Db } from './store.ts';
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

export const eventsRepo = {
  append: (db: Db, e: NewEvent) => db.event.create({ data: e, select: { id: true } }),
  /**
   * Numbers the oldest unpublished events in commit order. Must run inside a transaction:
   * the advisory lock makes relays of all instances take turns, so seq is gap-free and
   * increases in publish order.
   */
  async claimUnpublished(tx: Db, limit: number): Promise<EventRow[]> {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${RELAY_LOCK})`;
    return tx.$queryRaw<EventRow[]>`
      WITH next AS (
        SELECT id, row_number() OVER (ORDER BY id) AS rn FROM "Event"
        WHERE seq IS NULL ORDER BY id LIMIT ${limit}
      ), base AS (SELECT COALESCE(MAX(seq), 0) AS m FROM "Event")
      UPDATE "Event" e SET seq = base.m + next.rn, "publishedAt" = now()
      FROM next, base WHERE e.id = next.id
      RETURNING e.id, e.seq, e."workspaceId", e.type, e."actorType", e."actorId", e."inboxId", e."userId",
                e."conversationId", e.payload, e."createdAt"`;
  },
  /** Replay for one user: published events after `afterSeq` that the audience rule lets them see. */
  replay: (
    db: Db,
    q: { workspaceId: string; afterSeq: bigint; inboxIds: string[] | null; userId: string; limit: number },
  ) =>
    db.event.findMany({
      where: {
        workspaceId: q.workspaceId,
        seq: { gt: q.afterSeq },
        OR: [
          { userId: q.userId },
          ...(q.inboxIds === null
            ? [{ inboxId: { not: null }, userId: null }]
            : [{ inboxId: { in: q.inboxIds }, userId: null }]),
        ],
      },
      orderBy: { seq: 'asc' },
      take: q.limit,
    }),
  maxSeq: async (db: Db) => (await db.event.aggregate({ _max: { seq: true } }))._max.seq ?? 0n,
  forConversation: (db: Db, workspaceId: string, conversationId: string, limit: number) =>
    db.event.findMany({ where: { workspaceId, conversationId }, orderBy: { id: 'asc' }, take: limit }),
};
