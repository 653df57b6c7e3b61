import type { Db } from './store.ts';

const withMembers = { members: { select: { userId: true } } } as const;

export const teamsRepo = {
  list: (db: Db, workspaceId: string) =>
    db.team.findMany({ where: { workspaceId }, include: withMembers, orderBy: { name: 'asc' } }),
  get: (db: Db, workspaceId: string, id: string) =>
    db.team.findFirst({ where: { workspaceId, id }, include: withMembers }),
  create: (db: Db, data: { workspaceId: string; name: string; description?: string | null }) =>
    db.team.create({ data, include: withMembers }),
  update: (db: Db, workspaceId: string, id: string, data: { name?: string; description?: string | null }) =>
    db.team.update({ where: { id, workspaceId }, data, include: withMembers }),
  delete: (db: Db, workspaceId: string, id: string) => db.team.deleteMany({ where: { workspaceId, id } }),
  async setMembers(db: Db, workspaceId: string, teamId: string, userIds: string[]) {
    await db.teamMember.deleteMany({ where: { workspaceId, teamId, userId: { notIn: userIds } } });
    await db.teamMember.createMany({
      data: userIds.map((userId) => ({ workspaceId, teamId, userId })),
      skipDuplicates: true,
    });
  },
};
