// Migrated "template" databases that test databases are cloned from, so the schema engine runs once, not per test:
// - PostgreSQL: a database sb_tpl_<fingerprint> on the test server, built under an advisory lock
//   (parallel vitest workers and runs), cloned with CREATE DATABASE … TEMPLATE (~60 ms).
// - PGlite: a dump of a migrated instance, cached in the OS temp dir across processes, loaded with
//   PGlite.create({ loadDataDir }) (~0.35 s instead of ~2.5 s for initdb + migrate).
// <fingerprint> covers the migrations' names and contents (and PGlite's version), so a changed migration
// builds a new template.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { adminQuery, quoteIdent, withDatabase } from '../migrate/adapters.ts';
import { migrationsFingerprint, readMigrationsList } from '../migrate/migrations-dir.ts';
import { migrateDeploy } from '../migrate.ts';

const TEMPLATE_LOCK = 73_707_301; // pg_advisory_lock key guarding template creation
const TEMPLATE_PREFIX = 'sb_tpl_';
export const CACHE_DIR = join(tmpdir(), 'switchboard-test-db');

let fingerprint: Promise<string> | undefined;
function currentFingerprint(): Promise<string> {
  fingerprint ??= readMigrationsList().then(migrationsFingerprint);
  return fingerprint;
}

// ---- PostgreSQL -------------------------------------------------------------------------------------------

const pgTemplates = new Map<string, Promise<string>>();

/** Name of the migrated template database on the server of `adminUrl` (built if missing). */
export function postgresTemplate(adminUrl: string, rebuild = false): Promise<string> {
  let p = pgTemplates.get(adminUrl);
  if (!p || rebuild) {
    p = buildPostgresTemplate(adminUrl);
    p.catch(() => pgTemplates.delete(adminUrl));
    pgTemplates.set(adminUrl, p);
  }
  return p;
}

async function buildPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `${TEMPLATE_PREFIX}${await currentFingerprint()}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `${TEMPLATE_PREFIX}%`,
    ]);
    // Templates of other migration sets are stale: drop them (a user of one rebuilds it if it comes back).
    for (const { datname } of rows) {
      if (datname !== name) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
    if (rows.some((r) => r.datname === name)) return name;
    const building = `${name}_build_${process.pid}`;
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdent(building)}`);
    try {
      await migrateDeploy(withDatabase(adminUrl, building));
      // Renamed only once complete: a crash mid-build never leaves a half-migrated template behind.
      await retryInUse(() => client.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(name)}`));
    } catch (err) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)} WITH (FORCE)`).catch(() => {});
      throw err;
    }
    return name;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await client.end();
  }
}

/** CREATE DATABASE <name> TEMPLATE <migrated template>; returns its URL. */
export async function clonePostgres(adminUrl: string, name: string): Promise<string> {
  const create = async (template: string) =>
    retryInUse(() => adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`));
  try {
    await create(await postgresTemplate(adminUrl));
  } catch (err) {
    if ((err as { code?: string }).code !== '3D000') throw err; // template dropped by a run with other migrations
    await create(await postgresTemplate(adminUrl, true));
  }
  return withDatabase(adminUrl, name);
}

/** Backends of a just-closed pool can linger a few ms: retry "database is being accessed by other users". */
async function retryInUse<T>(fn: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// ---- PGlite -----------------------------------------------------------------------------------------------

let pgliteDump: Promise<Blob> | undefined;

/** A tarball of a migrated PGlite data directory (pass it as `loadDataDir`). */
export function pgliteTemplate(): Promise<Blob> {
  if (!pgliteDump) {
    const p = loadOrBuildDump();
    p.catch(() => {
      if (pgliteDump === p) pgliteDump = undefined;
    });
    pgliteDump = p;
  }
  return pgliteDump;
}

async function loadOrBuildDump(): Promise<Blob> {
  const file = join(CACHE_DIR, `pglite-${pgliteVersion()}-${await currentFingerprint()}.tar`);
  const cached = await readFile(file).catch(() => null);
  if (cached) return new Blob([cached]);
  const db = await PGlite.create();
  try {
    await migrateDeploy(db);
    const dump = await db.dumpDataDir('none');
    const bytes = new Uint8Array(await dump.arrayBuffer());
    await mkdir(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, bytes);
    await rename(tmp, file); // atomic: concurrent builders just replace each other's identical file
    await removeStaleDumps(file);
    return new Blob([bytes]);
  } finally {
    await db.close();
  }
}

/** Dumps of older migration sets (or PGlite versions) are 40 MB each: keep only the current one. */
async function removeStaleDumps(current: string): Promise<void> {
  const names = await readdir(CACHE_DIR).catch(() => []);
  const stale = names.filter((n) => n.startsWith('pglite-') && n.endsWith('.tar') && join(CACHE_DIR, n) !== current);
  await Promise.all(stale.map((n) => rm(join(CACHE_DIR, n), { force: true })));
}

/** Forgets the cached dump (e.g. it failed to load); the next pgliteTemplate() rebuilds it. */
export async function discardPgliteTemplate(): Promise<void> {
  pgliteDump = undefined;
  const file = join(CACHE_DIR, `pglite-${pgliteVersion()}-${await currentFingerprint()}.tar`);
  await rm(file, { force: true });
}

function pgliteVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json')) as { version: string };
  return pkg.version;
}
