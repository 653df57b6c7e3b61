import type { Db } from './store.ts';
import { Prisma, type AuthorType, type DeliveryStatus, type Direction, type IdentityKind, type MessageKind } from '@switchboard/db';

// Columns listed by name (prepared statements must not use `*`; field names are column names, no @map).
const messageColumns = Prisma.raw(Object.values(Prisma.MessageScalarFieldEnum).map((f) => `m."${f}"`).join(', '));
const attachmentColumns = Prisma.raw(Object.values(Prisma.AttachmentScalarFieldEnum).map((f) => `a."${f}"`).join(', '));

export const messageInclude = {
  attachments: true,
  authorUser: { select: { id: true, name: true } },
  authorContact: { select: { id: true, name: true } },
} as const;

export type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;

export interface NewMessage {
  workspaceId: string;
  conversationId: string;
  inboxId: string;
  direction: Direction;
  kind: MessageKind;
  authorType: AuthorType;
  authorContactId?: string | null;
  authorUserId?: string | null;
  text: string;
  html?: string | null;
  providerMessageId?: string | null;
  deliveryStatus?: DeliveryStatus | null;
  metadata?: Prisma.InputJsonValue;
  createdAt?: Date;
  attachments?: Array<{ name: string; contentType: string; size: number; storageKey: string; contentId?: string | null }>;
}

export const messagesRepo = {
  get: (db: Db, workspaceId: string, id: string) =>
    db.message.findFirst({ where: { workspaceId, id }, include: messageInclude }),
  /** Raw SQL, two queries (so it also runs in sql-only transactions: ingest's duplicate path, delivery statuses). */
  async byProviderId(db: Db, inboxId: string, providerMessageId: string): Promise<MessageRow | null> {
    const rows = await db.$queryRaw<Array<Omit<MessageRow, 'attachments' | 'authorUser' | 'authorContact'> & { authorUserName: string | null; authorContactName: string | null }>>`/* prepare: */
      SELECT ${messageColumns}, u.name AS "authorUserName", ct.name AS "authorContactName"
      FROM "Message" m LEFT JOIN "User" u ON u.id = m."authorUserId" LEFT JOIN "Contact" ct ON ct.id = m."authorContactId"
      WHERE m."inboxId" = ${inboxId}::uuid AND m."providerMessageId" = ${providerMessageId}`;
    const row = rows[0];
    if (!row) return null;
    const attachments = await db.$queryRaw<MessageRow['attachments']>`/* prepare: */
      SELECT ${attachmentColumns} FROM "Attachment" a WHERE a."messageId" = ${row.id}::uuid ORDER BY a.id`;
    const { authorUserName, authorContactName, ...m } = row;
    return {
      ...m,
      attachments,
      authorUser: m.authorUserId ? { id: m.authorUserId, name: authorUserName as string } : null,
      authorContact: m.authorContactId ? { id: m.authorContactId, name: authorContactName } : null,
    };
  },
  create: (db: Db, m: NewMessage) => {
    const { attachments, ...data } = m;
    return db.message.create({
      data: {
        ...data,
        ...(attachments?.length
          ? { attachments: { create: attachments.map((a) => ({ ...a, workspaceId: m.workspaceId })) } }
          : {}),
      },
      include: messageInclude,
    });
  },
  /** Cursor page in conversation order (createdAt, id); `before` pages back in time. */
  list: (db: Db, workspaceId: string, conversationId: string, limit: number, before?: { at: Date; id: string }) =>
    db.message.findMany({
      where: {
        workspaceId,
        conversationId,
        ...(before ? { OR: [{ createdAt: { lt: before.at } }, { createdAt: before.at, id: { lt: before.id } }] } : {}),
      },
      include: messageInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
    }),
  /** When the customer last wrote on the conversation (its newest inbound message), or null. */
  lastInboundAt: async (db: Db, conversationId: string): Promise<Date | null> =>
    (await db.message.findFirst({ where: { conversationId, direction: 'in', kind: 'message' }, orderBy: [{ createdAt: 'desc' }], select: { createdAt: true } }))?.createdAt ?? null,
  /**
   * Provider ids of this inbox's outbound messages to the contact holding `identity`, written at or before `upTo`
   * and still in one of `statuses` (a receipt watermark covers them), newest first.
   */
  awaitingReceipt: async (db: Db, p: { inboxId: string; identity: { kind: string; address: string }; upTo: Date; statuses: DeliveryStatus[] }): Promise<string[]> => {
    const rows = await db.message.findMany({
      where: {
        inboxId: p.inboxId,
        direction: 'out',
        kind: 'message',
        providerMessageId: { not: null },
        createdAt: { lte: p.upTo },
        deliveryStatus: { in: p.statuses },
        conversation: { contact: { identities: { some: { kind: p.identity.kind as IdentityKind, address: p.identity.address } } } },
      },
      select: { providerMessageId: true },
      orderBy: [{ createdAt: 'desc' }],
      take: 200,
    });
    return rows.flatMap((r) => (r.providerMessageId ? [r.providerMessageId] : []));
  },
  /** One part of a reply sent in several provider messages is out (OutboundDelivery: a retry skips it). */
  recordSentPart: async (db: Db, id: string, index: number, providerId: string): Promise<void> => {
    await db.$executeRaw`
      UPDATE "Message" SET metadata = jsonb_set(metadata, '{sentParts}', COALESCE(metadata->'sentParts', '{}'::jsonb) || jsonb_build_object(${String(index)}::text, ${providerId}::text))
      WHERE id = ${id}::uuid`;
  },
  /** The delivery status, with the row locked until the transaction ends (status changes serialize on it). */
  async lockDelivery(db: Db, id: string): Promise<DeliveryStatus | null> {
    const rows = await db.$queryRaw<Array<{ deliveryStatus: DeliveryStatus | null }>>`SELECT "deliveryStatus" FROM "Message" WHERE id = ${id}::uuid FOR UPDATE`;
    return rows[0]?.deliveryStatus ?? null;
  },
  updateDelivery: (
    db: Db,
    id: string,
    data: { deliveryStatus: DeliveryStatus; deliveryError?: string | null; providerMessageId?: string },
  ) => db.message.update({ where: { id }, data, include: messageInclude }),
  /** A customer's edit or deletion of an inbound message. */
  updateContent: (db: Db, id: string, data: { text: string; html: string | null; metadata: Prisma.InputJsonValue }) =>
    db.message.update({ where: { id }, data, include: messageInclude }),
};
