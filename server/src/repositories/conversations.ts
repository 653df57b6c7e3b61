import type { Db } from './store.ts';
import type { ConversationStatus, Prisma, Priority } from '@switchboard/db';

export const conversationInclude = {
  contact: { select: { id: true, name: true } },
  labels: { select: { label: { select: { name: true } } } },
} as const;

export type ConversationRow = Prisma.ConversationGetPayload<{ include: typeof conversationInclude }>;

export interface ConversationFilter {
  /** null = every inbox of the workspace; otherwise only these (access already applied). */
  inboxIds: string[] | null;
  status?: ConversationStatus[];
  assigneeId?: string | null;
  teamId?: string | null;
  inboxId?: string;
  labelId?: string;
  contactId?: string;
}

export type SortKey = 'lastActivity' | 'waitingLongest';

function whereOf(workspaceId: string, f: ConversationFilter): Prisma.ConversationWhereInput {
  return {
    workspaceId,
    ...(f.inboxIds ? { inboxId: { in: f.inboxIds } } : {}),
    ...(f.inboxId ? { AND: [{ inboxId: f.inboxId }] } : {}),
    ...(f.status?.length ? { status: { in: f.status } } : {}),
    ...(f.assigneeId !== undefined ? { assigneeId: f.assigneeId } : {}),
    ...(f.teamId !== undefined ? { teamId: f.teamId } : {}),
    ...(f.labelId ? { labels: { some: { labelId: f.labelId } } } : {}),
    ...(f.contactId ? { contactId: f.contactId } : {}),
  };
}

export const conversationsRepo = {
  get: (db: Db, workspaceId: string, id: string) =>
    db.conversation.findFirst({ where: { workspaceId, id }, include: conversationInclude }),
  getForUpdate: async (db: Db, workspaceId: string, id: string) => {
    await db.$executeRaw`SELECT 1 FROM "Conversation" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid FOR UPDATE`;
    return db.conversation.findFirst({ where: { workspaceId, id }, include: conversationInclude });
  },
  /** Keyset page by (lastActivityAt desc, id desc). */
  list: (db: Db, workspaceId: string, f: ConversationFilter, limit: number, after?: { at: Date; id: string }) =>
    db.conversation.findMany({
      where: {
        ...whereOf(workspaceId, f),
        ...(after
          ? { OR: [{ lastActivityAt: { lt: after.at } }, { lastActivityAt: after.at, id: { lt: after.id } }] }
          : {}),
      },
      include: conversationInclude,
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: limit,
    }),
  count: (db: Db, workspaceId: string, f: ConversationFilter) =>
    db.conversation.count({ where: whereOf(workspaceId, f) }),
  /** The newest conversation of a thread in an inbox (any status), locked for the ingest transaction. */
  latestForThread: (db: Db, inboxId: string, threadKey: string) =>
    db.conversation.findFirst({ where: { inboxId, threadKey }, orderBy: { lastActivityAt: 'desc' }, include: conversationInclude }),
  latestForContact: (db: Db, inboxId: string, contactId: string) =>
    db.conversation.findFirst({ where: { inboxId, contactId }, orderBy: { lastActivityAt: 'desc' }, include: conversationInclude }),
  create: (
    db: Db,
    data: { workspaceId: string; number: number; inboxId: string; contactId: string; subject: string | null; threadKey: string | null; lastActivityAt: Date; waitingSince: Date | null; lastMessagePreview: string | null },
  ) => db.conversation.create({ data, include: conversationInclude }),
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: Partial<{
      status: ConversationStatus;
      snoozedUntil: Date | null;
      assigneeId: string | null;
      teamId: string | null;
      priority: Priority;
      subject: string | null;
      lastActivityAt: Date;
      waitingSince: Date | null;
      firstResponseAt: Date;
      resolvedAt: Date | null;
      lastMessagePreview: string | null;
    }>,
  ) => db.conversation.update({ where: { id, workspaceId }, data, include: conversationInclude }),
  async setLabels(db: Db, workspaceId: string, conversationId: string, labelIds: string[]) {
    await db.conversationLabel.deleteMany({ where: { workspaceId, conversationId, labelId: { notIn: labelIds } } });
    await db.conversationLabel.createMany({
      data: labelIds.map((labelId) => ({ workspaceId, conversationId, labelId })),
      skipDuplicates: true,
    });
  },
  /** Snoozed conversations whose time has come (any workspace). */
  dueSnoozed: (db: Db, now: Date, limit: number) =>
    db.conversation.findMany({
      where: { status: 'snoozed', snoozedUntil: { lte: now } },
      select: { id: true, workspaceId: true },
      take: limit,
    }),
};
