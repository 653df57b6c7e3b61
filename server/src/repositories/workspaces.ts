import type { RawSql } from '@switchboard/db';
import type { Db } from './store.ts';

export const workspacesRepo = {
  create: (db: Db, data: { name: string; slug: string }) => db.workspace.create({ data }),
  /** Hands out the next display number in its own statement (the row lock lasts one statement). */
  async nextConversationNumber(db: RawSql, workspaceId: string): Promise<number> {
    const rows = await db.$queryRaw<Array<{ n: number }>>`/* prepare: */
      UPDATE "Workspace" SET "conversationCounter" = "conversationCounter" + 1
      WHERE id = ${workspaceId}::uuid RETURNING "conversationCounter" AS n`;
    const n = rows[0]?.n;
    if (n === undefined) throw new Error(`workspace ${workspaceId} vanished`);
    return n;
  },
};
