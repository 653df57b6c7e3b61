import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation, openDatabase } from './index.ts';
import { createTestDatabase, storageModes, type TestDatabase } from './testing.ts';

describe.each(storageModes())('storage mode %s', (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(mode);
  });
  afterAll(() => db?.drop());

  it('gives a migrated database: create a workspace and read it back', async () => {
    expect(db.kind).toBe(mode);
    const created = await db.prisma.workspace.create({ data: { name: 'Acme', slug: 'acme', settings: { tz: 'UTC' } } });
    const read = await db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'acme' } });
    expect(read).toMatchObject({ id: created.id, name: 'Acme', settings: { tz: 'UTC' }, conversationCounter: 0 });
  });

  it('detects unique violations, from the client and from raw SQL', async () => {
    await db.prisma.workspace.create({ data: { name: 'Dup', slug: 'dup' } });
    const err = await db.prisma.workspace.create({ data: { name: 'Dup 2', slug: 'dup' } }).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    const raw = await db.prisma.$executeRaw`INSERT INTO "Workspace" (id, name, slug, "updatedAt") VALUES (gen_random_uuid(), 'x', 'dup', now())`.catch(
      (e: unknown) => e,
    );
    expect(isUniqueViolation(raw)).toBe(true);
    expect(isUniqueViolation(new Error('nope'))).toBe(false);
    expect(isUniqueViolation(null)).toBe(false);
  });

  it('rolls back an interactive transaction', async () => {
    const failing = db.prisma.$transaction(async (tx) => {
      await tx.workspace.create({ data: { name: 'Tx', slug: 'tx' } });
      expect(await tx.workspace.count({ where: { slug: 'tx' } })).toBe(1);
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await db.prisma.workspace.count({ where: { slug: 'tx' } })).toBe(0);
  });

  it('gives each call its own database', async () => {
    const [a, b] = await Promise.all([createTestDatabase(mode), createTestDatabase(mode)]);
    try {
      await a.prisma.workspace.create({ data: { name: 'A', slug: 'same' } });
      await b.prisma.workspace.create({ data: { name: 'B', slug: 'same' } });
      expect(await a.prisma.workspace.count()).toBe(1);
      expect(await b.prisma.workspace.count()).toBe(1);
      if (mode === 'postgres') expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
    if (mode === 'postgres') {
      // dropped for real: connecting again fails
      await expect(openDatabase({ url: a.url! }).then((d) => d.prisma.workspace.count())).rejects.toThrow();
    }
  });
});

describe('openDatabase', () => {
  it('opens an in-memory PGlite and migrates it', async () => {
    const logs: string[] = [];
    const db = await openDatabase({ migrate: true, logger: (m) => logs.push(m) });
    try {
      expect(db.kind).toBe('pglite');
      expect(logs.join('\n')).toMatch(/applied migrations \d+_init/);
      expect(await db.prisma.workspace.count()).toBe(0);
    } finally {
      await db.close();
      await db.close(); // idempotent
    }
  });

  // Part of the PostgreSQL suite (TEST_DATABASE_URL): registered only there, never reported as skipped.
  if (storageModes().includes('postgres')) it('opens PostgreSQL by URL and migrates it', async () => {
    // An empty database on the test server: deploy creates the schema, a second open applies nothing.
    const scratch = await createTestDatabase('postgres');
    const url = scratch.url!;
    await scratch.prisma.$executeRawUnsafe('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await scratch.close();
    try {
      const logs: string[] = [];
      const db = await openDatabase({ url, migrate: true, logger: (m) => logs.push(m) });
      await db.prisma.workspace.create({ data: { name: 'Pg', slug: 'pg' } });
      await db.close();
      const again = await openDatabase({ url, migrate: true, logger: (m) => logs.push(m) });
      expect(await again.prisma.workspace.count()).toBe(1);
      await again.close();
      expect(logs[0]).toMatch(/applied migrations \d+_init/);
      expect(logs[1]).toMatch(/schema up to date/);
    } finally {
      await scratch.drop();
    }
  });
});
