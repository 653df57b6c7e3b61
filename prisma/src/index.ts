// @switchboard/db: the Prisma client on PostgreSQL (DATABASE_URL) or on an embedded PGlite (SWITCHBOARD_DATA_DIR).
// The only module that imports the generated client: other packages import types and enums from here.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import pg from 'pg';
import { Prisma, PrismaClient } from '../generated/client.ts';

export type * from '../generated/client.ts';
export * from '../generated/enums.ts';
export { Prisma, $Enums } from '../generated/client.ts';

export type DatabaseKind = 'postgres' | 'pglite';

/** A connection taken from the PostgreSQL pool (Store's raw-SQL transactions). */
export type PgPoolClient = pg.PoolClient;

export type Database = {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** PostgreSQL: the pool's maximum connections (PGlite has exactly one). */
  poolSize?: number;
  /**
   * PostgreSQL: the pg Pool under the Prisma client (shared, so the pool size bounds both). The hot paths
   * run raw SQL on it directly (rawSql), without Prisma's per-query cost.
   */
  pool?: pg.Pool;
  close(): Promise<void>;
};

export type OpenDatabaseOptions = {
  /** postgres://… : use PostgreSQL. Without it, an embedded PGlite. */
  url?: string;
  /** Embedded mode: the database lives in `<dataDir>/pglite` (created if missing). Without it: in memory. */
  dataDir?: string;
  /** Apply pending migrations (prisma/migrations) before returning. */
  migrate?: boolean;
  logger?: (msg: string) => void;
  /** Embedded mode: use this already open PGlite instead of opening one (closed by close()). */
  pglite?: PGlite;
  /** PostgreSQL: maximum connections of the pool (default: DEFAULT_POOL_SIZE). */
  poolSize?: number;
};

/** Connections per process on PostgreSQL unless openDatabase({ poolSize }) says otherwise (pg's own default). */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Prepared statements on PostgreSQL, opt-in per statement: raw SQL that starts with PREPARE_MARKER is sent as
 * a named statement, parsed and planned once per connection and then only bound and executed (for the hot
 * paths, planning costs more than running). Everything else stays unnamed, so the number of statements a
 * connection keeps is bounded by the marked statements in the code, and Prisma's own queries (their text
 * varies with list lengths) never pile up. A marked statement must name its result columns (no `*`): a
 * migration that adds a column would otherwise invalidate running servers' plans ("cached plan must not
 * change result type"). A URL with `pgbouncer=true` (a pooler in transaction mode) turns names off.
 * The pool's connections use `plan_cache_mode=force_generic_plan`: a marked statement must have a good generic
 * plan (no plan that depends on a parameter's value, e.g. an array's length: see ingestRepo.probe).
 */
export const PREPARE_MARKER = '/* prepare: */';
/**
 * How openDatabase configures its pg pool (besides URL and size), for tools that build their own (the bench):
 * transactions left idle end after a minute, pipeline mode, named statements keep their generic plan.
 */
export const POOL_OPTIONS = {
  idle_in_transaction_session_timeout: 60_000,
  pipeline: true,
  options: '-c plan_cache_mode=force_generic_plan',
} as const satisfies pg.PoolConfig;
const statementNames = new Map<string, string>();

function statementName(sql: string): string | undefined {
  if (!sql.startsWith(PREPARE_MARKER)) return undefined;
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `sb_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function withoutPgbouncerFlag(url: string): { url: string; pgbouncer: boolean } {
  if (!/[?&]pgbouncer=/.test(url)) return { url, pgbouncer: false };
  const u = new URL(url);
  const pgbouncer = u.searchParams.get('pgbouncer') === 'true';
  u.searchParams.delete('pgbouncer');
  return { url: u.toString(), pgbouncer };
}

/** The PGlite data directory openDatabase uses for a given SWITCHBOARD_DATA_DIR. */
export function pgliteDir(dataDir: string): string {
  return join(resolve(dataDir), 'pglite');
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Database> {
  const log = opts.logger ?? (() => {});
  const migrate = async (target: string | PGlite) => {
    if (!opts.migrate) return;
    const { migrateDeploy } = await import('./migrate.ts');
    const started = performance.now();
    const applied = await migrateDeploy(target);
    const ms = Math.round(performance.now() - started);
    log(applied.length ? `db: applied migrations ${applied.join(', ')} (${ms} ms)` : `db: schema up to date (${ms} ms)`);
  };

  if (opts.url) {
    await migrate(opts.url);
    const poolSize = opts.poolSize ?? DEFAULT_POOL_SIZE;
    const { url, pgbouncer } = withoutPgbouncerFlag(opts.url);
    // A transaction left idle (a stuck caller) is ended by the server after a minute, releasing its locks:
    // raw-SQL transactions have no client-side timeout of their own.
    // Named statements keep their generic plan (planned once per connection, as PREPARE_MARKER promises): left to
    // itself the server replans a statement whenever its custom plans look cheaper, at a planning cost
    // that, for the ingest probe, exceeds running it. Unnamed statements are planned per execution either way.
    // Pipeline mode: a query issued while an earlier one on the same connection is still running is sent at
    // once instead of after its answer (Store sends BEGIN with a transaction's first statement, and COMMIT with
    // its last, in one write: see batchWrites). Each query keeps its own Sync, so an error affects only its own
    // query (and, inside a transaction, the transaction, as always).
    const { options, ...rest } = POOL_OPTIONS;
    const pool = new pg.Pool({ connectionString: url, max: poolSize, ...rest, ...(pgbouncer ? {} : { options }) });
    // An idle connection that fails (server restart, database dropped) is dropped by the pool; without a
    // listener the 'error' event would crash the process.
    pool.on('error', (err) => log(`db: idle connection failed: ${err.message}`));
    const adapter = new PrismaPg(
      pool,
      // pg reads a missing name as "unnamed statement".
      pgbouncer ? {} : { statementNameGenerator: (q) => statementName(q.sql) as string },
    );
    const prisma = new PrismaClient({ adapter });
    const names = !pgbouncer;
    const close = once(async () => {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    });
    return { prisma, kind: 'postgres', poolSize, pool: Object.assign(pool, { [NAMED]: names }), close };
  }

  let pglite = opts.pglite;
  if (!pglite) {
    if (opts.dataDir) {
      const dir = pgliteDir(opts.dataDir);
      await mkdir(dir, { recursive: true });
      pglite = await PGlite.create({ dataDir: dir });
    } else {
      pglite = await PGlite.create();
    }
  }
  const db = pglite;
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    kind: 'pglite',
    close: once(async () => {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    }),
  };
}

/**
 * True for a unique-constraint violation: P2002 from the client, or the driver adapter's
 * UniqueConstraintViolation (SQLSTATE 23505) from raw queries.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  type AdapterCause = { kind?: unknown; originalCode?: unknown };
  const e = err as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: AdapterCause } } };
  if (e.code === 'P2002') return true;
  const cause = e.meta?.driverAdapterError?.cause;
  if (err instanceof pg.DatabaseError) return err.code === '23505';
  return cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505' || e.meta?.code === '23505';
}

/**
 * The SQLSTATE of a database error, from pg (raw SQL on the pool) or from the Prisma client (PGlite, or a
 * Prisma query on PostgreSQL); undefined for anything else.
 */
export function sqlState(err: unknown): string | undefined {
  if (err instanceof pg.DatabaseError) return err.code;
  if (typeof err !== 'object' || err === null) return undefined;
  type Cause = { originalCode?: unknown; code?: unknown };
  const e = err as { meta?: { code?: unknown; driverAdapterError?: { cause?: Cause } }; cause?: Cause };
  const code = e.meta?.driverAdapterError?.cause?.originalCode ?? e.meta?.driverAdapterError?.cause?.code ?? e.meta?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * Runs `fn` with the connection's socket corked: the queries it issues synchronously (pipelined, see the
 * pool's `pipeline` option) leave in one write instead of one each.
 */
export function batchWrites<T>(client: pg.PoolClient, fn: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return fn();
  } finally {
    stream?.uncork?.();
  }
}

const NAMED = Symbol('switchboard.namedStatements');

/** What rawSql offers: the tagged-template raw queries of a Prisma client, with the same results. */
export interface RawSql {
  $queryRaw<T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<T>;
  $executeRaw(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]): Promise<number>;
}

/** As the Prisma pg adapter sends them: UTC wall time (the columns are timestamp without time zone). */
function formatDateTime(date: Date): string {
  const pad = (n: number, z = 2) => String(n).padStart(z, '0');
  const ms = date.getUTCMilliseconds();
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}
const param = (v: unknown): unknown => (v instanceof Date ? formatDateTime(v) : Array.isArray(v) ? v.map(param) : v);

// Result values as Prisma's $queryRaw gives them: int8 as bigint, timestamp (UTC wall time) and date as Date.
const utcDate = (v: string) => new Date(`${v.replace(' ', 'T')}Z`);
const arrayOf = (parse: (v: string) => unknown) => (v: string) => (pg.types.getTypeParser(1009 as never, 'text')(v) as Array<string | null>).map((x) => (x === null ? null : parse(x)));
const PARSERS: Record<number, (v: string) => unknown> = {
  20: (v) => BigInt(v),
  1016: arrayOf((v) => BigInt(v)),
  1114: utcDate,
  1115: arrayOf(utcDate),
  1082: (v) => new Date(`${v}T00:00:00Z`),
};
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    (format === undefined || format === 'text') && PARSERS[oid] ? PARSERS[oid] : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Raw SQL straight on pg (a Pool, or a client holding a transaction): `$queryRaw` / `$executeRaw` as on a
 * Prisma client (same SQL fragments, same parameter and result conversions, statements starting with
 * PREPARE_MARKER prepared), without the ORM's per-query work. Errors are pg's (SQLSTATE in `code`).
 */
export function rawSql(q: pg.Pool | pg.PoolClient, pool?: pg.Pool): RawSql {
  const named = ((pool ?? q) as { [NAMED]?: boolean })[NAMED] ?? true;
  const run = (query: TemplateStringsArray | Prisma.Sql, values: unknown[]) => {
    const sql = Array.isArray(query) ? Prisma.sql(query as TemplateStringsArray, ...values) : (query as Prisma.Sql);
    const name = named ? statementName(sql.text) : undefined;
    return q.query({ text: sql.text, values: sql.values.map(param), types, ...(name ? { name } : {}) });
  };
  return {
    $queryRaw: async <T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(query, values)).rows as T,
    $executeRaw: async (query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => (await run(query, values)).rowCount ?? 0,
  };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
