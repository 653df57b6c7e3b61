import type { Db } from './store.ts';

export const attachmentsRepo = {
  withMessage: (db: Db, workspaceId: string, id: string) =>
    db.attachment.findFirst({ where: { workspaceId, id }, include: { message: { select: { inboxId: true } } } }),
  get: (db: Db, id: string) => db.attachment.findUnique({ where: { id } }),
  stored: (db: Db, id: string, data: { storageKey: string; size: number; contentType?: string }) =>
    db.attachment.update({ where: { id }, data: { ...data, error: null } }),
  failed: (db: Db, id: string, error: string) => db.attachment.update({ where: { id }, data: { error } }),
};
