import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawSql, type RawSql } from '@switchboard/db';
import { createTestDatabase, storageModes, type TestDatabase } from '@switchboard/db/testing';
import { workspacesRepo } from './workspaces.ts';
import { ConversationNumbers } from './conversation-numbers.ts';

describe.each(storageModes())('ConversationNumbers (%s)', (mode) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(mode);
  });
  afterEach(() => db?.drop());

  /** The database's raw SQL, counting the statements sent through it. */
  function counted(): { sql: RawSql; statements: () => number } {
    const inner: RawSql = db.pool ? rawSql(db.pool) : (db.prisma as unknown as RawSql);
    let n = 0;
    return {
      sql: {
        $queryRaw: (q, ...v) => (n++, inner.$queryRaw(q, ...v)),
        $executeRaw: (q, ...v) => (n++, inner.$executeRaw(q, ...v)),
      } as RawSql,
      statements: () => n,
    };
  }

  it('gives concurrent requests consecutive numbers in request order, reserved in one statement per batch', async () => {
    const a = await workspacesRepo.create(db.prisma, { name: 'A', slug: 'a' });
    const b = await workspacesRepo.create(db.prisma, { name: 'B', slug: 'b' });
    const { sql, statements } = counted();
    const numbers = new ConversationNumbers(sql);
    const got = await Promise.all([...Array.from({ length: 5 }, () => numbers.next(a.id)), numbers.next(b.id)]);
    // The first request of each workspace runs alone; the four that arrived meanwhile share the next statement.
    expect(got).toEqual([1, 2, 3, 4, 5, 1]);
    expect(statements()).toBe(3);
    expect(await numbers.next(a.id)).toBe(6);
    const stored = await db.prisma.workspace.findUniqueOrThrow({ where: { id: a.id } });
    expect(stored.conversationCounter).toBe(6);
  });

  it('fails the requests of a batch whose workspace is gone, and serves later ones', async () => {
    const a = await workspacesRepo.create(db.prisma, { name: 'A', slug: 'a' });
    const numbers = new ConversationNumbers(counted().sql);
    await expect(numbers.next('00000000-0000-7000-8000-000000000000')).rejects.toThrow(/vanished/);
    expect(await numbers.next(a.id)).toBe(1);
  });
});
