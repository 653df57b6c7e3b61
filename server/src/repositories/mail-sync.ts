import type { Db } from './store.ts';

export const mailSyncRepo = {
  /** The inbox of the conversation whose email reply token this is (`reply+<token>@…`). */
  inboxIdByReplyToken: async (db: Db, replyToken: string): Promise<string | null> =>
    (await db.conversation.findUnique({ where: { replyToken }, select: { inboxId: true } }))?.inboxId ?? null,
};
