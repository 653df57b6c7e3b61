import type { Db } from './store.ts';
import type { Role, Availability } from '@switchboard/db';

export type UserRow = NonNullable<Awaited<ReturnType<typeof usersRepo.get>>>;

export const usersRepo = {
  count: (db: Db) => db.user.count(),
  get: (db: Db, workspaceId: string, id: string) => db.user.findFirst({ where: { id, workspaceId } }),
  byEmail: (db: Db, email: string) => db.user.findUnique({ where: { email: email.toLowerCase() } }),
  list: (db: Db, workspaceId: string) => db.user.findMany({ where: { workspaceId }, orderBy: { name: 'asc' } }),
  listByIds: (db: Db, workspaceId: string, ids: string[]) =>
    db.user.findMany({ where: { workspaceId, id: { in: ids } } }),
  create: (
    db: Db,
    data: { workspaceId: string; email: string; name: string; role: Role; passwordHash: string | null },
  ) => db.user.create({ data: { ...data, email: data.email.toLowerCase() } }),
  /** Enabled admins of the workspace, optionally not counting one user. */
  countActiveAdmins: (db: Db, workspaceId: string, exceptId?: string) =>
    db.user.count({ where: { workspaceId, role: 'admin', disabledAt: null, ...(exceptId ? { id: { not: exceptId } } : {}) } }),
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: Partial<{ name: string; role: Role; availability: Availability; locale: string | null; passwordHash: string; disabledAt: Date | null }>,
  ) => db.user.update({ where: { id, workspaceId }, data }),
};
