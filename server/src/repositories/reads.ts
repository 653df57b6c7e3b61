// Agents' read markers (ConversationRead) and the unread counts derived from them. A conversation is unread
// for a user while its lastInboundAt is newer than their readAt (or they have none).
import { Prisma } from '@switchboard/db';
import type { Db } from './store.ts';

export interface UnreadCountRow {
  kind: 'mine' | 'unassigned' | 'all' | 'team' | 'inbox' | 'label';
  key: string | null;
  n: number;
}

export const readsRepo = {
  /**
   * Sets the user's marker to `at` (never moves it back) and returns it with the marker it replaces
   * (null: none), in one statement.
   */
  async mark(db: Db, r: { workspaceId: string; userId: string; conversationId: string; at: Date }): Promise<{ previous: Date | null; readAt: Date }> {
    const rows = await db.$queryRaw<Array<{ previous: Date | null; readAt: Date }>>`
      WITH prev AS (
        SELECT "readAt" FROM "ConversationRead" WHERE "userId" = ${r.userId}::uuid AND "conversationId" = ${r.conversationId}::uuid
      ), up AS (
        INSERT INTO "ConversationRead" ("workspaceId", "userId", "conversationId", "readAt")
        VALUES (${r.workspaceId}::uuid, ${r.userId}::uuid, ${r.conversationId}::uuid, ${r.at})
        ON CONFLICT ("userId", "conversationId") DO UPDATE SET "readAt" = GREATEST("ConversationRead"."readAt", EXCLUDED."readAt")
        RETURNING "readAt"
      )
      SELECT (SELECT "readAt" FROM prev) AS previous, (SELECT "readAt" FROM up) AS "readAt"`;
    const row = rows[0];
    if (!row) throw new Error(`read marker of conversation ${r.conversationId} not written`);
    return row;
  },

  /** The user's markers on these conversations of the workspace, limited to `inboxIds` (null: every inbox). */
  forConversations: (db: Db, q: { workspaceId: string; userId: string; conversationIds: string[]; inboxIds: string[] | null }) =>
    db.conversationRead.findMany({
      where: {
        userId: q.userId,
        workspaceId: q.workspaceId,
        conversationId: { in: q.conversationIds },
        ...(q.inboxIds ? { conversation: { inboxId: { in: q.inboxIds } } } : {}),
      },
      select: { conversationId: true, readAt: true },
    }),

  /**
   * Unread conversations (not resolved) of the workspace in `inboxIds` (null: every inbox), counted per
   * sidebar view in one statement: mine, unassigned, all, and per team, inbox and label.
   */
  async unreadCounts(db: Db, q: { workspaceId: string; userId: string; inboxIds: string[] | null }): Promise<UnreadCountRow[]> {
    const inboxFilter = q.inboxIds ? Prisma.sql`AND c."inboxId" = ANY(${q.inboxIds}::uuid[])` : Prisma.empty;
    return db.$queryRaw<UnreadCountRow[]>`
      WITH unread AS MATERIALIZED (
        SELECT c.id, c."inboxId", c."teamId", c."assigneeId"
        FROM "Conversation" c
        LEFT JOIN "ConversationRead" r ON r."conversationId" = c.id AND r."userId" = ${q.userId}::uuid
        WHERE c."workspaceId" = ${q.workspaceId}::uuid AND c.status <> 'resolved' AND c."lastInboundAt" IS NOT NULL
          AND (r."readAt" IS NULL OR r."readAt" < c."lastInboundAt") ${inboxFilter}
      )
      SELECT 'all' AS kind, NULL AS key, count(*)::int AS n FROM unread
      UNION ALL SELECT 'mine', NULL, count(*)::int FROM unread WHERE "assigneeId" = ${q.userId}::uuid
      UNION ALL SELECT 'unassigned', NULL, count(*)::int FROM unread WHERE "assigneeId" IS NULL
      UNION ALL SELECT 'inbox', "inboxId"::text, count(*)::int FROM unread GROUP BY "inboxId"
      UNION ALL SELECT 'team', "teamId"::text, count(*)::int FROM unread WHERE "teamId" IS NOT NULL GROUP BY "teamId"
      UNION ALL SELECT 'label', l.name, count(*)::int FROM unread u
        JOIN "ConversationLabel" cl ON cl."conversationId" = u.id JOIN "Label" l ON l.id = cl."labelId"
        GROUP BY l.name`;
  },
};
