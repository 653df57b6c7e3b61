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
};
