import type { RawSql } from '@switchboard/db';

/** Accepted webhook requests by digest (replay protection, see domain/webhook-replay.ts). Raw SQL: every webhook runs it. */
export const webhookReceiptsRepo = {
  seen: async (db: RawSql, inboxId: string, digest: string): Promise<boolean> =>
    (await db.$queryRaw<unknown[]>`/* prepare: */ SELECT 1 FROM "WebhookReceipt" WHERE "inboxId" = ${inboxId}::uuid AND digest = ${digest}`).length > 0,
  /** Records an accepted request; one recorded already (a concurrent identical request) is left as it is. */
  record: (db: RawSql, inboxId: string, digest: string, at: Date) =>
    db.$executeRaw`/* prepare: */ INSERT INTO "WebhookReceipt" ("inboxId", digest, "receivedAt") VALUES (${inboxId}::uuid, ${digest}, ${at}) ON CONFLICT DO NOTHING`,
  /** Housekeeping: forgets requests received before `before`. Returns how many. */
  purge: (db: RawSql, before: Date) => db.$executeRaw`DELETE FROM "WebhookReceipt" WHERE "receivedAt" < ${before}`,
};
