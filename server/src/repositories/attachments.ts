import type { Db } from './store.ts';

export const attachmentsRepo = {
  createMany: (
    db: Db,
    rows: Array<{ id: string; workspaceId: string; messageId: string; name: string; contentType: string; size: number; storageKey: string | null; sourceUrl: string | null; contentId: string | null; createdAt: Date }>,
  ) => db.attachment.createMany({ data: rows.map(({ id, workspaceId, messageId, name, contentType, size, storageKey, sourceUrl, contentId, createdAt }) => ({ id, workspaceId, messageId, name, contentType, size, storageKey, sourceUrl, contentId, createdAt })) }),
  withMessage: (db: Db, workspaceId: string, id: string) =>
    db.attachment.findFirst({ where: { workspaceId, id }, include: { message: { select: { inboxId: true } } } }),
  get: (db: Db, id: string) => db.attachment.findUnique({ where: { id } }),
  stored: (db: Db, id: string, data: { storageKey: string; size: number; contentType?: string }) =>
    db.attachment.update({ where: { id }, data: { ...data, error: null } }),
  failed: (db: Db, id: string, error: string) => db.attachment.update({ where: { id }, data: { error } }),
};
