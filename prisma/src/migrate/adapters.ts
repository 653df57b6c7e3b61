// Driver-adapter factories for the schema engine, with the faults of the stock adapters worked around:
// - PGlite: executeScript does not await exec() (a failing migration is recorded as applied); each shadow
//   database is a new in-memory PGlite that is never closed.
// - pg: the internal "char" type (OID 18) is not mapped; executeScript splits on ';' (breaks $$ bodies and
//   atomicity); connectToShadowDb drops the shadow database while its pool still holds it and, given a
//   connection string, connects the shadow pool to the main database.
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** A postgres:// URL or an open PGlite instance. */
export type MigrateTarget = string | PGlite;

export type MigrationFactory = SqlMigrationAwareDriverAdapterFactory & { close(): Promise<void> };

type ErrorMapper = { onError(err: unknown): never };
type PerformIO = (q: SqlQuery) => Promise<{ fields: Array<{ dataTypeID: number }> }>;

const PG_CHAR_OID = 18;
const PG_BPCHAR_OID = 1042;

export function createMigrationFactory(target: MigrateTarget): MigrationFactory {
  return typeof target === 'string' ? new PgMigrationFactory(target) : new PGliteMigrationFactory(target);
}

let emptyDump: Promise<Blob> | undefined;

/**
 * A new, empty in-memory PGlite. initdb costs ~1.5 s; loading a dump of an empty instance ~0.35 s, so the first
 * instance of the process is dumped before use and later ones are loaded from that dump.
 */
export async function createEmptyPGlite(): Promise<PGlite> {
  if (emptyDump) {
    try {
      return await PGlite.create({ loadDataDir: await emptyDump });
    } catch {
      emptyDump = undefined;
    }
  }
  const db = await PGlite.create();
  const dump = db.dumpDataDir('none');
  emptyDump ??= dump;
  await dump;
  return db;
}

/** Replaces `postgres://…/db` with `postgres://…/<database>`, keeping credentials and parameters. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Runs one statement on its own short-lived connection (CREATE/DROP DATABASE cannot run in a pool transaction). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Calls `dispose` once, whatever the engine does, and lets the factory dispose leftovers. */
function trackDispose(adapter: SqlDriverAdapter, extra: () => Promise<void>, set: Set<() => Promise<void>>): SqlDriverAdapter {
  const original = adapter.dispose.bind(adapter);
  let done: Promise<void> | undefined;
  const dispose = () => {
    done ??= (async () => {
      set.delete(dispose);
      try {
        await original();
      } finally {
        await extra();
      }
    })();
    return done;
  };
  adapter.dispose = dispose;
  set.add(dispose);
  return adapter;
}

class PGliteMigrationFactory implements MigrationFactory {
  readonly provider = 'postgres';
  readonly adapterName = 'pglite-prisma-adapter';
  #db: PGlite;
  #open = new Set<() => Promise<void>>();

  constructor(db: PGlite) {
    this.#db = db;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return awaitPGliteScripts(await new PrismaPGlite(this.#db).connect(), this.#db);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const shadow = await createEmptyPGlite();
    const adapter = awaitPGliteScripts(await new PrismaPGlite(shadow).connect(), shadow);
    return trackDispose(adapter, () => shadow.close(), this.#open);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#open].map((dispose) => dispose()));
  }
}

function awaitPGliteScripts(adapter: SqlDriverAdapter, db: PGlite): SqlDriverAdapter {
  adapter.executeScript = async (script: string) => {
    try {
      await db.exec(script);
    } catch (err) {
      (adapter as unknown as ErrorMapper).onError(err);
    }
  };
  return adapter;
}

class PgMigrationFactory implements MigrationFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  #url: string;
  #open = new Set<() => Promise<void>>();

  constructor(url: string) {
    this.#url = url;
  }

  async connect(): Promise<SqlDriverAdapter> {
    // One connection: the engine's session-level advisory lock must be taken and released on the same session.
    const adapter = fixPgAdapter(await new PrismaPg({ connectionString: this.#url, max: 1 }).connect());
    return trackDispose(adapter, async () => {}, this.#open);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll('-', '')}`;
    await adminQuery(this.#url, `CREATE DATABASE ${quoteIdent(name)}`);
    const drop = () => adminQuery(this.#url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    try {
      const adapter = fixPgAdapter(await new PrismaPg({ connectionString: withDatabase(this.#url, name), max: 1 }).connect());
      return trackDispose(adapter, drop, this.#open);
    } catch (err) {
      await drop();
      throw err;
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#open].map((dispose) => dispose()));
  }
}

function fixPgAdapter<A extends SqlDriverAdapter & { underlyingDriver(): pg.Pool }>(adapter: A): A {
  mapCharColumns(adapter);
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script); // no parameters: simple protocol, one implicit transaction
    } catch (err) {
      (adapter as unknown as ErrorMapper).onError(err);
    }
  };
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const tx: Transaction = await start(isolationLevel);
    mapCharColumns(tx);
    return tx;
  };
  return adapter;
}

/** adapter-pg throws on columns of type "char" (OID 18, used in pg_catalog): read them as text. */
function mapCharColumns(queryable: object): void {
  const q = queryable as { performIO: PerformIO };
  const performIO = q.performIO.bind(q);
  q.performIO = async (query) => {
    const result = await performIO(query);
    for (const field of result.fields) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_BPCHAR_OID;
    return result;
  };
}
