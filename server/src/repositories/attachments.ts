import type { Db } from './store.ts';

export const attachmentsRepo = {
  /** One raw statement (so it also runs in sql-only transactions). */
  async createMany(
    db: Db,
    rows: Array<{ id: string; workspaceId: string; messageId: string; name: string; contentType: string; size: number; storageKey: string | null; sourceUrl: string | null; contentId: string | null; error: string | null; createdAt: Date }>,
  ): Promise<{ count: number }> {
    const count = await db.$executeRaw`/* prepare: */
      INSERT INTO "Attachment" (id, "workspaceId", "messageId", name, "contentType", size, "storageKey", "sourceUrl", "contentId", error, "createdAt")
      SELECT * FROM unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.workspaceId)}::uuid[], ${rows.map((r) => r.messageId)}::uuid[],
                           ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.contentType)}::text[], ${rows.map((r) => r.size)}::int[],
                           ${rows.map((r) => r.storageKey)}::text[], ${rows.map((r) => r.sourceUrl)}::text[], ${rows.map((r) => r.contentId)}::text[], ${rows.map((r) => r.error)}::text[],
                           ${rows.map((r) => r.createdAt)}::timestamp(3)[])`;
    return { count };
  },
  withMessage: (db: Db, workspaceId: string, id: string) =>
    db.attachment.findFirst({ where: { workspaceId, id }, include: { message: { select: { inboxId: true } } } }),
  get: (db: Db, id: string) => db.attachment.findUnique({ where: { id } }),
  /** With the inbox it arrived on (a download needs the channel's credentials). */
  async withInbox(db: Db, id: string) {
    const a = await db.attachment.findUnique({
      where: { id },
      // Message.inboxId has no relation of its own (schema.prisma): the conversation's inbox is the same.
      include: {
        message: { select: { conversation: { select: { inbox: { select: { id: true, publicToken: true, kind: true, credentials: true, settings: true } } } } } },
      },
    });
    if (!a) return null;
    const { message, ...rest } = a;
    return { ...rest, message: { inbox: message.conversation.inbox } };
  },
  /** Which of `keys` any attachment row references (index on storageKey). */
  async keysInUse(db: Db, keys: string[]): Promise<Set<string>> {
    const rows = await db.$queryRaw<Array<{ storageKey: string }>>`
      SELECT "storageKey" FROM "Attachment" WHERE "storageKey" = ANY(${keys}::text[])`;
    return new Set(rows.map((r) => r.storageKey));
  },
  stored: (db: Db, id: string, data: { storageKey: string; size: number; contentType?: string }) =>
    db.attachment.update({ where: { id }, data: { ...data, error: null } }),
  failed: (db: Db, id: string, error: string) => db.attachment.update({ where: { id }, data: { error } }),
};
