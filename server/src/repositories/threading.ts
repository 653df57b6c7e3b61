// Lookups that thread a message by reference (email In-Reply-To/References, reply tokens).
import { randomBytes } from 'node:crypto';
import type { RawSql } from '@switchboard/db';
import type { Db } from './store.ts';

export const threadingRepo = {
  /**
   * The conversation of the first candidate (in the given order) stored or sent in this inbox under that
   * provider id. One query on the (inboxId, providerMessageId) unique index.
   */
  async conversationOfProviderIds(db: Db, inboxId: string, providerIds: string[]): Promise<string | null> {
    if (providerIds.length === 0) return null;
    const rows = await db.$queryRaw<Array<{ conversationId: string }>>`/* prepare: */
      SELECT m."conversationId" FROM "Message" m
      WHERE m."inboxId" = ${inboxId}::uuid AND m."providerMessageId" = ANY(${providerIds}::text[])
      ORDER BY array_position(${providerIds}::text[], m."providerMessageId") LIMIT 1`;
    return rows[0]?.conversationId ?? null;
  },

  /** The conversation in this inbox that owns a reply token. */
  async conversationOfReplyToken(db: Db, inboxId: string, token: string): Promise<string | null> {
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      SELECT c.id FROM "Conversation" c WHERE c."replyToken" = ${token} AND c."inboxId" = ${inboxId}::uuid`;
    return rows[0]?.id ?? null;
  },

  /**
   * The inbox whose conversation owns this reply token, when that inbox sends its email through `via` (a
   * webchat inbox's `settings.continuity.emailInboxId`): replies to its mails belong there. Null otherwise.
   */
  async delegatingInbox(db: RawSql, via: { id: string; workspaceId: string }, token: string): Promise<{ id: string; workspaceId: string; settings: unknown } | null> {
    const rows = await db.$queryRaw<Array<{ id: string; workspaceId: string; settings: unknown }>>`
      SELECT i.id, i."workspaceId", i.settings FROM "Conversation" c JOIN "Inbox" i ON i.id = c."inboxId"
      WHERE c."replyToken" = ${token} AND c."workspaceId" = ${via.workspaceId}::uuid AND c."inboxId" <> ${via.id}::uuid
        AND i."disabledAt" IS NULL AND i.settings->'continuity'->>'emailInboxId' = ${via.id}`;
    return rows[0] ?? null;
  },

  /** The conversation's reply token, created on first use (concurrent callers get the same one). */
  async ensureReplyToken(db: Db, workspaceId: string, conversationId: string): Promise<string> {
    const fresh = randomBytes(12).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 14).padEnd(14, '0');
    const rows = await db.$queryRaw<Array<{ replyToken: string }>>`
      UPDATE "Conversation" SET "replyToken" = COALESCE("replyToken", ${fresh})
      WHERE id = ${conversationId}::uuid AND "workspaceId" = ${workspaceId}::uuid
      RETURNING "replyToken"`;
    const token = rows[0]?.replyToken;
    if (!token) throw new Error(`conversation ${conversationId} not found`);
    return token;
  },

  /** Provider ids of a conversation's customer and agent messages, oldest first (email References). */
  async providerIdsOf(db: Db, workspaceId: string, conversationId: string, limit = 50): Promise<Array<{ providerMessageId: string; direction: 'in' | 'out' }>> {
    const rows = await db.$queryRaw<Array<{ providerMessageId: string; direction: 'in' | 'out' }>>`
      SELECT * FROM (
        SELECT m."providerMessageId", m.direction::text AS direction, m."createdAt", m.id FROM "Message" m
        WHERE m."workspaceId" = ${workspaceId}::uuid AND m."conversationId" = ${conversationId}::uuid
          AND m.kind = 'message' AND m."providerMessageId" IS NOT NULL
        ORDER BY m."createdAt" DESC, m.id DESC LIMIT ${limit}
      ) t ORDER BY t."createdAt", t.id`;
    return rows.map((r) => ({ providerMessageId: r.providerMessageId, direction: r.direction }));
  },
};
