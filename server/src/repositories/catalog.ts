import type { Db } from './store.ts';

/** Labels and canned responses: small per-workspace catalogs. */
export const labelsRepo = {
  list: (db: Db, workspaceId: string) => db.label.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } }),
  byIds: (db: Db, workspaceId: string, ids: string[]) => db.label.findMany({ where: { workspaceId, id: { in: ids } } }),
  byNames: (db: Db, workspaceId: string, names: string[]) =>
    db.label.findMany({ where: { workspaceId, name: { in: names } } }),
  create: (db: Db, data: { workspaceId: string; name: string; color?: string; description?: string | null }) =>
    db.label.create({ data }),
  update: (db: Db, workspaceId: string, id: string, data: { name?: string; color?: string; description?: string | null }) =>
    db.label.update({ where: { id, workspaceId }, data }),
  delete: (db: Db, workspaceId: string, id: string) => db.label.deleteMany({ where: { workspaceId, id } }),
};

export const cannedRepo = {
  list: (db: Db, workspaceId: string, q?: string) =>
    db.cannedResponse.findMany({
      where: {
        workspaceId,
        ...(q ? { OR: [{ shortCode: { startsWith: q, mode: 'insensitive' } }, { content: { contains: q, mode: 'insensitive' } }] } : {}),
      },
      orderBy: { shortCode: 'asc' },
    }),
  get: (db: Db, workspaceId: string, id: string) => db.cannedResponse.findFirst({ where: { workspaceId, id } }),
  create: (db: Db, data: { workspaceId: string; shortCode: string; content: string }) =>
    db.cannedResponse.create({ data }),
  update: (db: Db, workspaceId: string, id: string, data: { shortCode?: string; content?: string }) =>
    db.cannedResponse.update({ where: { id, workspaceId }, data }),
  delete: (db: Db, workspaceId: string, id: string) => db.cannedResponse.deleteMany({ where: { workspaceId, id } }),
};
