import type { Db } from './store.ts';
import { syncLeaseRepo } from './sync-lease.ts';

export const mailSyncRepo = {
  /** Every enabled email inbox of every workspace (the sync and the SMTP endpoint filter by mode). */
  emailInboxes: (db: Db) => syncLeaseRepo.enabledInboxes(db, 'email'),

  /** The inbox of the conversation whose email reply token this is (`reply+<token>@…`). */
  inboxIdByReplyToken: async (db: Db, replyToken: string): Promise<string | null> =>
    (await db.conversation.findUnique({ where: { replyToken }, select: { inboxId: true } }))?.inboxId ?? null,
};
