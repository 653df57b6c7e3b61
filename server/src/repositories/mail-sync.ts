import type { Prisma } from '@switchboard/db';
import type { Db } from './store.ts';

// The sync lease lives in the inbox's syncState (`lease: { owner, until }`, until in epoch ms of the
// database clock): taken and renewed with conditional UPDATEs, so instances sharing one database never
// sync an inbox twice at a time, and every progress write is fenced by the owner (same SQL on PGlite).
const nowMs = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export const mailSyncRepo = {
  /** Every enabled email inbox of every workspace (the sync and the SMTP endpoint filter by mode). */
  emailInboxes: (db: Db) =>
    db.inbox.findMany({
      where: { kind: 'email', disabledAt: null },
      select: { id: true, workspaceId: true, publicToken: true, credentials: true, settings: true },
      orderBy: { createdAt: 'asc' },
    }),

  /** Takes (or keeps) the lease when it is free, expired or already ours. */
  acquireLease: async (db: Db, inboxId: string, owner: string, ttlMs: number): Promise<boolean> =>
    (await db.$executeRawUnsafe(
      `UPDATE "Inbox" SET "syncState" = "syncState" || jsonb_build_object('lease', jsonb_build_object('owner', $1::text, 'until', ${nowMs} + $2::bigint))
       WHERE "id" = $3::uuid AND "disabledAt" IS NULL
         AND ("syncState"->'lease' IS NULL OR "syncState"->'lease'->>'owner' = $1::text OR ("syncState"->'lease'->>'until')::bigint < ${nowMs})`,
      owner,
      ttlMs,
      inboxId,
    )) === 1,

  /** Merges `state` into syncState and renews the lease, only while `owner` holds it. false: the lease is lost. */
  saveState: async (db: Db, inboxId: string, owner: string, ttlMs: number, state: Prisma.InputJsonValue): Promise<boolean> =>
    (await db.$executeRawUnsafe(
      `UPDATE "Inbox" SET "syncState" = "syncState" || $1::jsonb || jsonb_build_object('lease', jsonb_build_object('owner', $2::text, 'until', ${nowMs} + $3::bigint))
       WHERE "id" = $4::uuid AND "syncState"->'lease'->>'owner' = $2::text`,
      JSON.stringify(state),
      owner,
      ttlMs,
      inboxId,
    )) === 1,

  releaseLease: (db: Db, inboxId: string, owner: string) =>
    db.$executeRawUnsafe(
      `UPDATE "Inbox" SET "syncState" = "syncState" - 'lease' WHERE "id" = $1::uuid AND "syncState"->'lease'->>'owner' = $2::text`,
      inboxId,
      owner,
    ),

  syncState: async (db: Db, inboxId: string): Promise<Record<string, unknown> | null> => {
    const row = await db.inbox.findUnique({ where: { id: inboxId }, select: { syncState: true } });
    return row ? ((row.syncState ?? {}) as Record<string, unknown>) : null;
  },

  /** The inbox of the conversation whose email reply token this is (`reply+<token>@…`). */
  inboxIdByReplyToken: async (db: Db, replyToken: string): Promise<string | null> =>
    (await db.conversation.findUnique({ where: { replyToken }, select: { inboxId: true } }))?.inboxId ?? null,
};
