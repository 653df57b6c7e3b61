import type { Db } from './store.ts';
import { Prisma, type Inbox, type InboxKind, type RawSql } from '@switchboard/db';

const withMembers = { members: { select: { userId: true } } } as const;

// Every column by name (field names are column names): a prepared statement must not use `*`.
const inboxColumns = Prisma.raw(Object.values(Prisma.InboxScalarFieldEnum).map((f) => `"${f}"`).join(', '));

export const inboxesRepo = {
  list: (db: Db, workspaceId: string, onlyIds?: string[]) =>
    db.inbox.findMany({
      where: { workspaceId, ...(onlyIds ? { id: { in: onlyIds } } : {}) },
      include: withMembers,
      orderBy: { createdAt: 'asc' },
    }),
  get: (db: Db, workspaceId: string, id: string) =>
    db.inbox.findFirst({ where: { workspaceId, id }, include: withMembers }),
  /** Every webhook request starts here: a prepared statement (planned once per connection). */
  byPublicToken: async (db: RawSql, publicToken: string): Promise<Inbox | null> =>
    (await db.$queryRaw<Inbox[]>`/* prepare: */ SELECT ${inboxColumns} FROM "Inbox" WHERE "publicToken" = ${publicToken}`)[0] ?? null,
  byId: (db: Db, id: string) => db.inbox.findUnique({ where: { id } }),
  create: (
    db: Db,
    data: { id?: string; workspaceId: string; kind: InboxKind; name: string; publicToken: string; credentials: string | null; settings: Prisma.InputJsonValue },
  ) => db.inbox.create({ data, include: withMembers }),
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: { name?: string; credentials?: string | null; settings?: Prisma.InputJsonValue; syncState?: Prisma.InputJsonValue; disabledAt?: Date | null },
  ) => db.inbox.update({ where: { id, workspaceId }, data, include: withMembers }),
  delete: (db: Db, workspaceId: string, id: string) => db.inbox.deleteMany({ where: { workspaceId, id } }),
  memberInboxIds: async (db: Db, userId: string) =>
    (await db.inboxMember.findMany({ where: { userId }, select: { inboxId: true } })).map((m) => m.inboxId),
  isMember: async (db: Db, inboxId: string, userId: string) =>
    (await db.inboxMember.count({ where: { inboxId, userId } })) > 0,
  async setMembers(db: Db, workspaceId: string, inboxId: string, userIds: string[]) {
    await db.inboxMember.deleteMany({ where: { workspaceId, inboxId, userId: { notIn: userIds } } });
    await db.inboxMember.createMany({
      data: userIds.map((userId) => ({ workspaceId, inboxId, userId })),
      skipDuplicates: true,
    });
  },
  memberIds: async (db: Db, inboxId: string) =>
    (await db.inboxMember.findMany({ where: { inboxId }, select: { userId: true } })).map((m) => m.userId),
};
