import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, pgliteDir } from './index.ts';
import { migrateDeploy } from './migrate.ts';
import { createTestDatabase } from './testing.ts';

describe('PGlite persistence', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'sb-db-test-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps rows across close and reopen; the second deploy applies nothing', async () => {
    const logs: string[] = [];
    const first = await openDatabase({ dataDir, migrate: true, logger: (m) => logs.push(m) });
    await first.prisma.workspace.create({ data: { name: 'Kept', slug: 'kept' } });
    await first.close();
    expect(logs[0]).toMatch(/applied migrations \d+_init/);

    const second = await openDatabase({ dataDir, migrate: true, logger: (m) => logs.push(m) });
    expect(await second.prisma.workspace.findUnique({ where: { slug: 'kept' } })).toMatchObject({ name: 'Kept' });
    await second.close();
    expect(logs[1]).toMatch(/schema up to date/);

    // And through the schema engine itself, not just the fast path: nothing pending.
    const raw = await PGlite.create({ dataDir: pgliteDir(dataDir) });
    try {
      expect(await migrateDeploy(raw, { alwaysUseEngine: true })).toEqual([]);
    } finally {
      await raw.close();
    }
  });

  it('createTestDatabase({ dataDir }) leaves a migrated database a server can open', async () => {
    const test = await createTestDatabase('pglite', { dataDir });
    expect(test.dataDir).toBe(dataDir);
    await test.prisma.workspace.create({ data: { name: 'Seeded', slug: 'seeded' } });
    await test.close();

    const logs: string[] = [];
    const server = await openDatabase({ dataDir, migrate: true, logger: (m) => logs.push(m) });
    expect(await server.prisma.workspace.count()).toBe(1);
    await server.close();
    expect(logs).toEqual([expect.stringMatching(/schema up to date/)]);

    await test.drop();
    expect(existsSync(pgliteDir(dataDir))).toBe(false);
  });
});
