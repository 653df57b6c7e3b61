// Test helpers for every storage-facing test: one fresh, migrated database per call, on each storage mode.
//
//   for (const mode of storageModes()) describe(mode, () => {
//     let db: TestDatabase;
//     beforeEach(async () => { db = await createTestDatabase(mode); });
//     afterEach(() => db.drop());
//     ...
//   });
//
// 'postgres' runs only when TEST_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test): each call
// creates its own database sb_test_<pid>_<random> on that server (dropped by drop()), so parallel workers and runs
// never collide. 'pglite' gives an in-memory PGlite, or one persisted under `dataDir` for a spawned server.
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase, pgliteDir, type Database } from './index.ts';
import { adminQuery, quoteIdent } from './migrate/adapters.ts';
import { clonePostgres, discardPgliteTemplate, pgliteTemplate } from './testing/templates.ts';

export type StorageMode = 'pglite' | 'postgres';

export type TestDatabase = Database & {
  mode: StorageMode;
  /** Postgres mode: the URL of this database (give it to a spawned server as DATABASE_URL). */
  url?: string;
  /** PGlite mode with `dataDir`: give it to a spawned server as SWITCHBOARD_DATA_DIR (close() first). */
  dataDir?: string;
  /** PGlite mode: the instance (raw SQL, migrateDeploy targets). */
  pglite?: PGlite;
  /** Closes the client and deletes the database (Postgres: DROP … WITH (FORCE); PGlite: its files). Idempotent. */
  drop(): Promise<void>;
};

export type TestDatabaseOptions = {
  /**
   * PGlite mode: persist the database in `<dataDir>/pglite`, the layout openDatabase({ dataDir }) and the server
   * (SWITCHBOARD_DATA_DIR) use. `<dataDir>/pglite` must not exist yet. PGlite is single-process: close() this
   * Database before a spawned server opens the directory. Ignored in Postgres mode.
   */
  dataDir?: string;
  /** Postgres mode: pool size of this client. */
  poolSize?: number;
};

/** 'pglite' always; 'postgres' too when TEST_DATABASE_URL is set. */
export function storageModes(): StorageMode[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export async function createTestDatabase(mode: StorageMode, opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  return mode === 'postgres' ? createPostgres(opts) : createPGlite(opts);
}

async function createPostgres(opts: TestDatabaseOptions): Promise<TestDatabase> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('postgres test databases need TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)');
  const name = `sb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = await clonePostgres(adminUrl, name);
  const drop = () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  let db: Database;
  try {
    db = await openDatabase({ url, ...(opts.poolSize ? { poolSize: opts.poolSize } : {}) });
  } catch (err) {
    await drop();
    throw err;
  }
  return {
    ...db,
    mode: 'postgres',
    url,
    drop: once(async () => {
      await db.close();
      await drop();
    }),
  };
}

async function createPGlite(opts: TestDatabaseOptions): Promise<TestDatabase> {
  const dir = opts.dataDir === undefined ? undefined : pgliteDir(opts.dataDir);
  const open = async () => {
    if (dir) await mkdir(dir, { recursive: true });
    return PGlite.create({ loadDataDir: await pgliteTemplate(), ...(dir ? { dataDir: dir } : {}) });
  };
  let pglite: PGlite;
  try {
    pglite = await open();
  } catch (err) {
    if (String(err).includes('already exists')) throw err;
    await discardPgliteTemplate(); // a corrupt cached dump: rebuild it once
    if (dir) await rm(dir, { recursive: true, force: true });
    pglite = await open();
  }
  const db = await openDatabase({ pglite });
  return {
    ...db,
    mode: 'pglite',
    pglite,
    ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
    drop: once(async () => {
      await db.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    }),
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
