import type { Db } from './store.ts';

export const sessionsRepo = {
  create: (
    db: Db,
    data: { id: string; workspaceId: string; userId: string; csrfToken: string; expiresAt: Date; userAgent?: string | null; ip?: string | null },
  ) => db.session.create({ data }),
  withUser: (db: Db, id: string) => db.session.findUnique({ where: { id }, include: { user: true } }),
  touch: (db: Db, id: string, expiresAt: Date) =>
    db.session.update({ where: { id }, data: { lastUsedAt: new Date(), expiresAt } }),
  delete: (db: Db, id: string) => db.session.deleteMany({ where: { id } }),
  deleteForUser: (db: Db, userId: string) => db.session.deleteMany({ where: { userId } }),
  deleteForUserExcept: (db: Db, userId: string, keepId: string) =>
    db.session.deleteMany({ where: { userId, id: { not: keepId } } }),
  deleteExpired: (db: Db, now: Date) => db.session.deleteMany({ where: { expiresAt: { lt: now } } }),
};

export const apiTokensRepo = {
  create: (db: Db, data: { workspaceId: string; userId: string; name: string; tokenHash: string; prefix: string }) =>
    db.apiToken.create({ data }),
  byHash: (db: Db, tokenHash: string) => db.apiToken.findUnique({ where: { tokenHash }, include: { user: true } }),
  listForUser: (db: Db, userId: string) =>
    db.apiToken.findMany({ where: { userId, revokedAt: null }, orderBy: { createdAt: 'desc' } }),
  markUsed: (db: Db, id: string) => db.apiToken.update({ where: { id }, data: { lastUsedAt: new Date() } }),
  revoke: (db: Db, userId: string, id: string) =>
    db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: new Date() } }),
};

export const rateLimitRepo = {
  /** Fixed window counter: increments and returns the count within the current window. */
  async hit(db: Db, key: string, windowMs: number): Promise<{ count: number; resetAt: Date }> {
    const [row] = await rateLimitRepo.hitMany(db, [{ key, windowMs }]);
    if (!row) throw new Error('rate limit upsert returned nothing');
    return row;
  },
  /** Several fixed-window counters in one statement (keys distinct); results in the order given. */
  async hitMany(db: Db, buckets: Array<{ key: string; windowMs: number }>): Promise<Array<{ key: string; count: number; resetAt: Date }>> {
    const rows = await db.$queryRaw<Array<{ key: string; count: number; resetAt: Date }>>`
      INSERT INTO "RateLimitBucket" (key, count, "resetAt")
      SELECT k, 1, now() + w * interval '1 millisecond' FROM unnest(${buckets.map((b) => b.key)}::text[], ${buckets.map((b) => b.windowMs)}::int[]) AS t(k, w)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN "RateLimitBucket"."resetAt" <= now() THEN 1 ELSE "RateLimitBucket".count + 1 END,
        "resetAt" = CASE WHEN "RateLimitBucket"."resetAt" <= now() THEN EXCLUDED."resetAt" ELSE "RateLimitBucket"."resetAt" END
      RETURNING key, count, "resetAt"`;
    return buckets.map((b) => {
      const row = rows.find((r) => r.key === b.key);
      if (!row) throw new Error(`rate limit upsert returned nothing for ${b.key}`);
      return row;
    });
  },
  reset: (db: Db, key: string) => db.rateLimitBucket.deleteMany({ where: { key } }),
  /** Drops counters whose window ended long ago (housekeeping). */
  purgeExpired: (db: Db, olderThanMs: number) =>
    db.$executeRaw`DELETE FROM "RateLimitBucket" WHERE "resetAt" < now() - ${olderThanMs} * interval '1 millisecond'`,
};
