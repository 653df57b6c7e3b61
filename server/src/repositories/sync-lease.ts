import type { InboxKind, Prisma } from '@switchboard/db';
import type { Db } from './store.ts';

// Inboxes whose messages we fetch ourselves (IMAP sync, Telegram long polling) keep their progress in
// `Inbox.syncState`, with a lease (`lease: { owner, until }`, until in epoch ms of the database clock): taken and
// renewed with conditional UPDATEs, so instances sharing one database never fetch for an inbox twice at a time,
// and every progress write is fenced by the owner (same SQL on PGlite).
const nowMs = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export const syncLeaseRepo = {
  /** Every enabled inbox of `kind` in every workspace. */
  enabledInboxes: (db: Db, kind: InboxKind) =>
    db.inbox.findMany({
      where: { kind, disabledAt: null },
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

  /** The stored state without the lease; null when the inbox is gone. */
  syncState: async (db: Db, inboxId: string): Promise<Record<string, unknown> | null> => {
    const row = await db.inbox.findUnique({ where: { id: inboxId }, select: { syncState: true } });
    if (!row) return null;
    const { lease: _lease, ...rest } = (row.syncState ?? {}) as Record<string, unknown>;
    return rest;
  },
};
