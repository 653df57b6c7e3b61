import type { Db } from './store.ts';
import type { Prisma } from '@switchboard/db';

export interface JobRow {
  id: bigint;
  queue: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

export const jobsRepo = {
  /** One raw statement (so it also runs in sql-only transactions). */
  async enqueue(
    db: Db,
    job: { queue: string; payload: Prisma.InputJsonValue; runAt?: Date; maxAttempts?: number; singletonKey?: string },
  ): Promise<{ id: bigint }> {
    const now = new Date();
    const rows = await db.$queryRaw<Array<{ id: bigint }>>`/* prepare: */
      INSERT INTO "Job" (queue, payload, "maxAttempts", "runAt", "singletonKey", "createdAt", "updatedAt")
      VALUES (${job.queue}, ${JSON.stringify(job.payload)}::jsonb, COALESCE(${job.maxAttempts ?? null}::int, 8), ${job.runAt ?? now},
              ${job.singletonKey ?? null}, ${now}, ${now})
      RETURNING id`;
    const row = rows[0];
    if (!row) throw new Error(`job insert returned nothing (${job.queue})`);
    return { id: row.id };
  },
  /** Claims due jobs; SKIP LOCKED lets several instances work the same queue. Stale leases are reclaimed. */
  claim: (db: Db, workerId: string, queues: string[], limit: number, leaseMs: number) =>
    db.$queryRaw<JobRow[]>`
      UPDATE "Job" SET status = 'running', "lockedAt" = now(), "lockedBy" = ${workerId},
             attempts = attempts + 1, "updatedAt" = now()
      WHERE id IN (
        SELECT id FROM "Job"
        WHERE queue = ANY(${queues}) AND (
          (status = 'pending' AND "runAt" <= now())
          OR (status = 'running' AND "lockedAt" < now() - ${leaseMs} * interval '1 millisecond'))
        ORDER BY "runAt", id LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, queue, payload, attempts, "maxAttempts"`,
  complete: (db: Db, id: bigint) =>
    db.job.update({ where: { id }, data: { status: 'done', lockedAt: null, lockedBy: null } }),
  retryLater: (db: Db, id: bigint, runAt: Date, error: string) =>
    db.job.update({ where: { id }, data: { status: 'pending', runAt, lastError: error, lockedAt: null, lockedBy: null } }),
  fail: (db: Db, id: bigint, error: string) =>
    db.job.update({ where: { id }, data: { status: 'failed', lastError: error, lockedAt: null, lockedBy: null } }),
  nextRunAt: async (db: Db, queues: string[]) =>
    (await db.job.findFirst({ where: { queue: { in: queues }, status: 'pending' }, orderBy: { runAt: 'asc' }, select: { runAt: true } }))?.runAt ?? null,
};
