// Fast path for deploy: reads _prisma_migrations directly, so an up-to-date database needs no schema engine
// (opening the engine costs seconds on PGlite). Anything unusual falls back to the engine.
import type { PGlite } from '@electric-sql/pglite';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import type { MigrateTarget } from './adapters.ts';
import { checksum } from './migrations-dir.ts';

type Row = { migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null };

const SQL = 'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations';

async function readRows(target: MigrateTarget): Promise<Row[] | null> {
  try {
    if (typeof target !== 'string') return (await (target as PGlite).query<Row>(SQL)).rows;
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      return (await client.query<Row>(SQL)).rows;
    } finally {
      await client.end();
    }
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return null; // no migrations table yet
    throw err;
  }
}

/** True when exactly the migrations of `list` are applied, unmodified, and none failed. */
export async function isUpToDate(target: MigrateTarget, list: MigrationList): Promise<boolean> {
  const rows = await readRows(target);
  if (!rows) return false;
  if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null)) return false;
  const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r.checksum]));
  if (applied.size !== list.migrationDirectories.length) return false;
  return list.migrationDirectories.every((dir) => {
    const file = dir.migrationFile.content;
    return file.tag === 'ok' && applied.get(dir.path) === checksum(file.value);
  });
}
