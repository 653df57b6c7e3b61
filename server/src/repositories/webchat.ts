// Queries of the chat widget: a visitor's history and receipts, limited to their own conversations.
import type { DeliveryStatus, Direction } from '@switchboard/db';
import { messageInclude } from './messages.ts';
import type { Db } from './store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Only well-formed ids reach the ::uuid casts (anything else matches nothing anyway). */
export const uuids = (ids: readonly unknown[]): string[] => ids.filter((id): id is string => typeof id === 'string' && UUID.test(id));

export const webchatRepo = {
  /** Messages (never notes) of a contact's conversations in one inbox, newest first; `before` pages back. */
  history: (db: Db, workspaceId: string, inboxId: string, contactId: string, limit: number, before?: { at: Date; id: string }) =>
    db.message.findMany({
      where: {
        workspaceId,
        inboxId,
        kind: 'message',
        conversation: { contactId },
        ...(before ? { OR: [{ createdAt: { lt: before.at } }, { createdAt: before.at, id: { lt: before.id } }] } : {}),
      },
      include: messageInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    }),

  /** A message of the contact's conversations in the inbox (a history cursor), or null. */
  ownMessage: (db: Db, workspaceId: string, inboxId: string, contactId: string, id: string) =>
    uuids([id]).length
      ? db.message.findFirst({ where: { id, workspaceId, inboxId, kind: 'message', conversation: { contactId } }, select: { id: true, createdAt: true } })
      : Promise.resolve(null),

  /**
   * Locks the given messages that are `direction` messages of the contact's conversations in the inbox
   * (anything else is silently left out): a visitor only ever touches their own conversation.
   */
  lockOwned: (db: Db, q: { workspaceId: string; inboxId: string; contactId: string; ids: string[]; direction: Direction }) =>
    db.$queryRaw<Array<{ id: string; deliveryStatus: DeliveryStatus | null }>>`
      SELECT m.id, m."deliveryStatus" FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId"
      WHERE m.id = ANY(${uuids(q.ids)}::uuid[]) AND m."workspaceId" = ${q.workspaceId}::uuid AND m."inboxId" = ${q.inboxId}::uuid
        AND c."contactId" = ${q.contactId}::uuid AND m.kind = 'message' AND m.direction = ${q.direction}::"Direction"
      ORDER BY m.id FOR UPDATE OF m`,

  /** Customer messages of a conversation an agent has not seen yet, locked. */
  lockUnseenInbound: (db: Db, workspaceId: string, conversationId: string) =>
    db.$queryRaw<Array<{ id: string; deliveryStatus: DeliveryStatus | null }>>`
      SELECT m.id, m."deliveryStatus" FROM "Message" m
      WHERE m."workspaceId" = ${workspaceId}::uuid AND m."conversationId" = ${conversationId}::uuid
        AND m.direction = 'in' AND m.kind = 'message' AND m."deliveryStatus" IS DISTINCT FROM 'read'
      ORDER BY m.id FOR UPDATE OF m`,

  /** An attachment of a message in this inbox (signed widget downloads). */
  attachmentInInbox: (db: Db, workspaceId: string, inboxId: string, id: string) =>
    uuids([id]).length
      ? db.attachment.findFirst({ where: { id, workspaceId, message: { inboxId, kind: 'message' } } })
      : Promise.resolve(null),

  /** Users who may answer in the inbox (members, admins, leads) and said they are online. */
  availableAgentIds: async (db: Db, workspaceId: string, inboxId: string): Promise<string[]> =>
    (
      await db.user.findMany({
        where: { workspaceId, disabledAt: null, availability: 'online', OR: [{ role: { in: ['admin', 'lead'] } }, { inboxMemberships: { some: { inboxId } } }] },
        select: { id: true },
      })
    ).map((u) => u.id),

  /**
   * Agent replies in webchat inboxes with email continuity that the visitor has not read `afterSeconds` after
   * they were written (and within three days), not emailed and without a continuity job yet.
   */
  continuityCandidates: (db: Db, limit: number) =>
    db.$queryRaw<Array<{ id: string; workspaceId: string }>>`
      SELECT m.id, m."workspaceId" FROM "Inbox" i
      JOIN "Conversation" c ON c."inboxId" = i.id AND c."lastActivityAt" > now() - interval '3 days'
      JOIN "Message" m ON m."conversationId" = c.id
      WHERE i.kind = 'webchat' AND i."disabledAt" IS NULL AND i.settings->'continuity'->>'emailInboxId' IS NOT NULL
        AND m.direction = 'out' AND m.kind = 'message' AND m."deliveryStatus" IN ('queued', 'sent', 'delivered')
        AND m."createdAt" > now() - interval '3 days'
        AND m."createdAt" <= now() - make_interval(secs => COALESCE((i.settings->'continuity'->>'afterSeconds')::int, 120))
        AND NOT (m.metadata ? 'emailFallback')
        AND NOT EXISTS (SELECT 1 FROM "Job" j WHERE j."singletonKey" = ${CONTINUITY_KEY_PREFIX} || m.id::text)
      ORDER BY m."createdAt" LIMIT ${limit}`,

  /**
   * Claims the conversation's agent replies that the visitor has not read and that nobody emailed or claimed
   * (`metadata.emailFallback.claimedBy`), for `claimer`; returns every reply claimed by it (again on a retry).
   * One statement: concurrent claimers serialize on the rows, so no reply is claimed twice.
   */
  async claimUnreadReplies(db: Db, workspaceId: string, conversationId: string, claimer: string): Promise<string[]> {
    const rows = await db.$queryRaw<Array<{ id: string }>>`
      UPDATE "Message" SET metadata = metadata || jsonb_build_object('emailFallback', jsonb_build_object('claimedBy', ${claimer}::text))
      WHERE "workspaceId" = ${workspaceId}::uuid AND "conversationId" = ${conversationId}::uuid AND direction = 'out' AND kind = 'message'
        AND ("deliveryStatus" IN ('queued', 'sent', 'delivered') AND NOT (metadata ? 'emailFallback')
             OR metadata->'emailFallback'->>'claimedBy' = ${claimer}::text)
      RETURNING id`;
    return rows.map((r) => r.id);
  },

  /** Messages by id with their files and authors, oldest first. */
  byIds: (db: Db, workspaceId: string, ids: string[]) =>
    db.message.findMany({ where: { workspaceId, id: { in: uuids(ids) } }, include: messageInclude, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),

  /** The email a visitor typed into the pre-chat form, from their newest message that carries one. */
  async claimedEmail(db: Db, conversationId: string): Promise<string | null> {
    const rows = await db.$queryRaw<Array<{ email: string }>>`
      SELECT m.metadata->'webchat'->>'claimedEmail' AS email FROM "Message" m
      WHERE m."conversationId" = ${conversationId}::uuid AND m.direction = 'in' AND m.metadata->'webchat' ? 'claimedEmail'
      ORDER BY m."createdAt" DESC LIMIT 1`;
    return rows[0]?.email ?? null;
  },

  /** Records on the messages that they went out by email (`metadata.emailFallback`). */
  markEmailed: (db: Db, ids: string[], value: Record<string, unknown>) =>
    db.$executeRaw`
      UPDATE "Message" SET metadata = metadata || jsonb_build_object('emailFallback', ${JSON.stringify(value)}::jsonb), "updatedAt" = now()
      WHERE id = ANY(${uuids(ids)}::uuid[])`,
};

/** Continuity jobs are keyed `webchat.email:<message id>`: one per agent reply, ever. */
export const CONTINUITY_KEY_PREFIX = 'webchat.email:';
