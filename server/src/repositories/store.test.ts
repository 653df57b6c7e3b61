import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Prisma } from '@switchboard/db';
import { createTestDatabase, storageModes, type TestDatabase } from '@switchboard/db/testing';
import { RetryTransaction, Store, type Tx } from './store.ts';

// Group commit needs PostgreSQL's pool (PGlite has one connection): as the scale-out tests, these run on the local one.
process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';

const txid = async (tx: Tx) => (await tx.$queryRaw<Array<{ id: string }>>`SELECT pg_current_xact_id()::text AS id`)[0]!.id;

/** Holds the store's only transaction slot until the returned function is called. */
async function occupy(store: Store): Promise<{ release: () => void; done: Promise<string> }> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const done = store.transaction(
    async (tx) => {
      started();
      await held;
      return txid(tx);
    },
    { sql: true },
  );
  await running;
  return { release, done };
}

describe('Store.transaction group commit (postgres)', () => {
  let db: TestDatabase;
  let extra: TestDatabase | undefined;
  let store: Store;
  beforeEach(async () => {
    // Two connections: one transaction slot (the other stays free for autocommit statements).
    db = await createTestDatabase('postgres', { poolSize: 2 });
    store = new Store(db);
    await db.prisma.$executeRawUnsafe('CREATE TABLE grouped (key text PRIMARY KEY, n int)');
  });
  afterEach(async () => {
    await extra?.drop();
    extra = undefined;
    await db?.drop();
  });

  const insert = (tx: Tx, key: string) => tx.$executeRaw`INSERT INTO grouped (key, n) VALUES (${key}, 1)`;
  const stored = async () =>
    (await db.prisma.$queryRaw<Array<{ key: string }>>`SELECT key FROM grouped ORDER BY key`).map((r) => r.key);

  it('runs transactions that wait for a slot in one shared transaction, one commit, hooks after it', async () => {
    const commits: string[] = [];
    store.onCommit(() => commits.push('commit'));
    const slot = await occupy(store);
    const hooks: string[] = [];
    const grouped = ['a', 'b', 'c', 'd'].map((key) =>
      store.transaction(
        async (tx) => {
          await insert(tx, key);
          store.afterCommit(tx, () => hooks.push(key));
          return { key, xact: await txid(tx) };
        },
        { sql: true, group: [key] },
      ),
    );
    // Nothing of the group runs while the slot is taken.
    await new Promise((r) => setTimeout(r, 50));
    expect(await stored()).toEqual([]);
    expect(hooks).toEqual([]);
    slot.release();
    const results = await Promise.all(grouped);
    const first = await slot.done;
    expect(results.map((r) => r.key)).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(results.map((r) => r.xact)).size).toBe(1);
    expect(results[0]!.xact).not.toBe(first);
    expect(await stored()).toEqual(['a', 'b', 'c', 'd']);
    expect(hooks.sort()).toEqual(['a', 'b', 'c', 'd']);
    // One commit for the slot holder, one for the group.
    expect(commits).toEqual(['commit', 'commit']);
  });

  it('runs at most two keyed transactions at once; the rest wait together and share one transaction', async () => {
    const wide = new Store(await createTestDatabase('postgres', { poolSize: 10 }).then((d) => ((extra = d), d)));
    await extra!.prisma.$executeRawUnsafe('CREATE TABLE grouped (key text PRIMARY KEY, n int)');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let running = 0;
    const block = (key: string) =>
      wide.transaction(
        async (tx) => {
          running++;
          await held;
          return txid(tx);
        },
        { sql: true, group: [key] },
      );
    // One after the other (arriving together, they would have formed one group).
    const blocking: Array<Promise<string>> = [];
    for (const key of ['x', 'y']) {
      blocking.push(block(key));
      await vi.waitFor(() => expect(running).toBe(blocking.length));
    }
    // Eight connections are free, but both lanes are taken: these four wait, as one group.
    const waiting = ['a', 'b', 'c', 'd'].map((key) =>
      wide.transaction(
        async (tx) => {
          running++;
          await tx.$executeRaw`INSERT INTO grouped (key, n) VALUES (${key}, 1)`;
          return txid(tx);
        },
        { sql: true, group: [key] },
      ),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(running).toBe(2);
    release();
    const [x, y] = await Promise.all(blocking);
    const shared = await Promise.all(waiting);
    expect(new Set(shared).size).toBe(1);
    expect(shared[0]).not.toBe(x);
    expect(shared[0]).not.toBe(y);
    expect(wide.groupStats).toMatchObject({ groups: 1, members: 4, rollbacks: 0 });
  });

  it('never puts two transactions that share a key in one group', async () => {
    const slot = await occupy(store);
    const run = (keys: string[], value: string) =>
      store.transaction(
        async (tx) => {
          await insert(tx, value);
          return txid(tx);
        },
        { sql: true, group: keys },
      );
    const all = Promise.all([run(['k'], 'k1'), run(['k'], 'k2'), run(['j'], 'j1'), run(['t', 'j'], 't1'), run(['u'], 'u1')]);
    slot.release();
    const [k1, k2, j1, t1, u1] = await all;
    // k1, j1 and u1 share a transaction; k2 (k) and t1 (j, as its second key) run on their own.
    expect(j1).toBe(k1);
    expect(u1).toBe(k1);
    expect(new Set([k1, k2, t1]).size).toBe(3);
    expect(await stored()).toEqual(['j1', 'k1', 'k2', 't1', 'u1']);
  });

  it('a failing member fails alone: the others commit together without it, nothing of it is stored', async () => {
    const slot = await occupy(store);
    let attempts = 0;
    const ok = (key: string) =>
      store.transaction(
        async (tx) => {
          await insert(tx, key);
          return txid(tx);
        },
        { sql: true, group: [key] },
      );
    const failing = store.transaction(
      async (tx) => {
        attempts++;
        await insert(tx, 'bad');
        await tx.$queryRaw`SELECT 1 / 0`;
        return 'never';
      },
      { sql: true, group: ['b'] },
    );
    failing.catch(() => {});
    const all = Promise.all([ok('a'), ok('c'), ok('d')]);
    slot.release();
    await expect(failing).rejects.toThrow(/division by zero/);
    const [a, c, d] = await all;
    // Once in the group, once alone (a division by zero is not retried).
    expect(attempts).toBe(2);
    expect(c).toBe(a);
    expect(d).toBe(a);
    expect(await stored()).toEqual(['a', 'c', 'd']);
  });

  it('a member asking to retry runs again alone and succeeds; its group partners are not held back by it', async () => {
    const slot = await occupy(store);
    let attempts = 0;
    const retrying = store.transaction(
      async (tx) => {
        attempts++;
        await insert(tx, `r${attempts}`);
        if (attempts < 3) throw new RetryTransaction('read went stale');
        return txid(tx);
      },
      { sql: true, group: ['r'] },
    );
    const partner = store.transaction(
      async (tx) => {
        await insert(tx, 'p');
        return txid(tx);
      },
      { sql: true, group: ['p'] },
    );
    slot.release();
    const [r, p] = await Promise.all([retrying, partner]);
    expect(attempts).toBe(3);
    expect(r).not.toBe(p);
    // Only the last attempt's row: the group's and the first lone attempt's were rolled back.
    expect(await stored()).toEqual(['p', 'r3']);
  });
});

describe.each(storageModes())('Store.transaction with a group key (%s)', (mode) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(mode);
  });
  afterEach(() => db?.drop());

  it('stores what each of many concurrent transactions wrote, and only that', async () => {
    const store = new Store(db);
    await db.prisma.$executeRawUnsafe('CREATE TABLE grouped (key text PRIMARY KEY, n int)');
    const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const results = await Promise.allSettled(
      keys.map((key, i) =>
        store.transaction(
          async (tx) => {
            await tx.$executeRaw`INSERT INTO grouped (key, n) VALUES (${key}, ${i})`;
            if (i % 7 === 3) await tx.$queryRaw(Prisma.sql`SELECT 1 / 0`);
            return key;
          },
          { sql: true, group: [key] },
        ),
      ),
    );
    const failed = keys.filter((_, i) => i % 7 === 3);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(failed.length);
    const rows = await db.prisma.$queryRaw<Array<{ key: string }>>`SELECT key FROM grouped ORDER BY key`;
    expect(rows.map((r) => r.key)).toEqual(keys.filter((k) => !failed.includes(k)));
  });
});
