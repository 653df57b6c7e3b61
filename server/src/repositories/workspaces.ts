import type { RawSql } from '@switchboard/db';
import type { Db } from './store.ts';

export const workspacesRepo = {
  create: (db: Db, data: { name: string; slug: string }) => db.workspace.create({ data }),
  /**
   * Reserves the next `count` display numbers in its own statement (the row lock lasts one statement) and
   * returns the last of them: the reserved ones are last - count + 1 … last.
   */
  async reserveConversationNumbers(db: RawSql, workspaceId: string, count: number): Promise<number> {
    const rows = await db.$queryRaw<Array<{ n: number }>>`/* prepare: */
      UPDATE "Workspace" SET "conversationCounter" = "conversationCounter" + ${count}::int
      WHERE id = ${workspaceId}::uuid RETURNING "conversationCounter" AS n`;
    const n = rows[0]?.n;
    if (n === undefined) throw new Error(`workspace ${workspaceId} vanished`);
    return n;
  },
};
