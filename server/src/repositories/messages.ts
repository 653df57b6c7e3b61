import type { Db } from './store.ts';
import type { AuthorType, DeliveryStatus, Direction, MessageKind, Prisma } from '@switchboard/db';

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
  byProviderId: (db: Db, inboxId: string, providerMessageId: string) =>
    db.message.findUnique({ where: { inboxId_providerMessageId: { inboxId, providerMessageId } }, include: messageInclude }),
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
  updateDelivery: (
    db: Db,
    id: string,
    data: { deliveryStatus: DeliveryStatus; deliveryError?: string | null; providerMessageId?: string },
  ) => db.message.update({ where: { id }, data, include: messageInclude }),
};
