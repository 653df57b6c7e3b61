import type { Database, PgPoolClient, PrismaClient, Prisma, RawSql } from '@switchboard/db';
import { batchWrites, isUniqueViolation, rawSql } from '@switchboard/db';

export { isUniqueViolation };

export type Tx = Prisma.TransactionClient;

/** Thrown inside a transaction to have Store.transaction roll back and run it again (an optimistic read lost a race). */
export class RetryTransaction extends Error {
  override name = 'RetryTransaction';
}
export type Db = PrismaClient | Tx;

const MAX_WAIT_MS = 10_000;

/** Counting semaphore with FIFO hand-off and a bounded wait. */
class Gate {
  #free: number;
  readonly #waiters: Array<() => void> = [];
  constructor(slots: number) {
    this.#free = slots;
  }
  async acquire(timeoutMs: number): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no database connection for a transaction within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(grant);
    });
  }
  release(): void {
    const next = this.#waiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.#free++;
  }
}

/**
 * The storage handle services work with: the Prisma client plus transactions that tell
 * listeners (the realtime relay, the job worker) when something committed.
 */
export class Store {
  readonly prisma: PrismaClient;
  readonly kind: Database['kind'];
  readonly #afterCommit = new Set<() => void>();
  readonly #txHooks = new WeakMap<object, Array<() => void>>();
  readonly #gate: Gate | undefined;
  readonly #pool: Database['pool'];
  /**
   * Autocommit raw SQL: straight on the pg pool on PostgreSQL (no ORM cost), the Prisma client on PGlite.
   * Same results either way (see rawSql).
   */
  readonly sql: RawSql;

  constructor(db: Pick<Database, 'prisma' | 'kind' | 'poolSize' | 'pool'>) {
    this.prisma = db.prisma;
    this.kind = db.kind;
    this.#pool = db.kind === 'postgres' ? db.pool : undefined;
    this.sql = this.#pool ? rawSql(this.#pool) : (db.prisma as unknown as RawSql);
    // Postgres: at most poolSize - 1 open transactions, so one connection always remains for
    // autocommit statements, including those issued while a transaction is open (the conversation
    // number, see conversation-resolver.ts). Without it, poolSize concurrent transactions that each
    // wait for a second connection deadlock until the transaction timeout.
    this.#gate = db.kind === 'postgres' && db.poolSize && db.poolSize > 1 ? new Gate(db.poolSize - 1) : undefined;
  }

  onCommit(listener: () => void): () => void {
    this.#afterCommit.add(listener);
    return () => this.#afterCommit.delete(listener);
  }

  /**
   * Runs `hook` once the transaction `db` commits (dropped if it rolls back). Outside a transaction
   * the write has already committed, so the hook runs at once.
   */
  afterCommit(db: Db, hook: () => void): void {
    const hooks = this.#txHooks.get(db);
    if (hooks) hooks.push(hook);
    else hook();
  }

  /**
   * Runs `fn` in one transaction. A unique violation (a concurrent writer won a race, e.g. two
   * first messages from the same new contact) rolls back and retries, up to `retries` times.
   * After commit the transaction's afterCommit hooks run, then the onCommit listeners (unless
   * `notify: false`: the relay's own transactions).
   *
   * `sql: true` promises that `fn` only uses `tx.$queryRaw` / `tx.$executeRaw` (the hot paths: ingest, the
   * relay): on PostgreSQL the transaction then runs on a pooled pg connection directly, without Prisma's
   * interactive-transaction and per-query cost; any other use of `tx` throws. PGlite: a Prisma transaction.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: { retries?: number; notify?: boolean; sql?: boolean } = {}): Promise<T> {
    const retries = opts.retries ?? 3;
    const run = opts.sql && this.#pool ? this.#runSql.bind(this) : this.#run.bind(this);
    for (let attempt = 0; ; attempt++) {
      try {
        const hooks: Array<() => void> = [];
        const result = await run((tx: Tx) => {
          this.#txHooks.set(tx, hooks);
          return fn(tx);
        });
        for (const h of hooks) h();
        if (opts.notify !== false) for (const l of this.#afterCommit) l();
        return result;
      } catch (err) {
        if (attempt < retries && (isUniqueViolation(err) || err instanceof RetryTransaction)) continue;
        throw err;
      }
    }
  }

  async #runSql<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const pool = this.#pool;
    if (!pool) throw new Error('no pg pool');
    await this.#gate?.acquire(MAX_WAIT_MS);
    try {
      const client = await pool.connect();
      let broken = false;
      // A connection lost mid-transaction emits 'error' on the client (unhandled, it would crash the process).
      const onError = () => {
        broken = true;
      };
      client.on('error', onError);
      const tx = pipelinedTx(client, rawSql(client, pool));
      try {
        // BEGIN leaves in one write with the first statement (sent synchronously by fn), COMMIT with the one
        // fn marked with commitWithNext; the connection is in pipeline mode (see openDatabase).
        let begun: Promise<unknown> | undefined;
        const running = batchWrites(client, () => {
          begun = client.query('BEGIN');
          begun.catch(() => {}); // surfaces below, or through the statements behind it
          return fn(tx.handle);
        });
        const result = await running;
        await begun;
        const committed = (await (tx.commit ?? client.query('COMMIT'))) as { command?: string };
        // A statement failed but fn went on (caught the error): the server answers COMMIT with ROLLBACK.
        if (committed.command !== 'COMMIT') throw new Error(`transaction rolled back (a statement in it failed): ${committed.command}`);
        return result;
      } catch (err) {
        if (tx.commit) {
          // COMMIT went out behind the last statement: the server committed, or (the statement failed) rolled back.
          await tx.commit.catch(() => {
            broken = true;
          });
          throw err;
        }
        // A connection that cannot even roll back is in an unknown state: the pool drops it.
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    } finally {
      this.#gate?.release();
    }
  }

  async #run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (!this.#gate) return this.prisma.$transaction(fn, { maxWait: MAX_WAIT_MS, timeout: 30_000 });
    const started = performance.now();
    await this.#gate.acquire(MAX_WAIT_MS);
    try {
      const maxWait = Math.max(1, MAX_WAIT_MS - Math.round(performance.now() - started));
      return await this.prisma.$transaction(fn, { maxWait, timeout: 30_000 });
    } finally {
      this.#gate.release();
    }
  }
}

const pipelined = new WeakMap<object, { commitNext: boolean }>();

/**
 * In an `sql: true` transaction on PostgreSQL: the next statement is the transaction's last, and COMMIT is sent
 * right behind it (one round trip for both). If that statement fails, the server rolls the transaction back (a
 * COMMIT after an error is a ROLLBACK); if it succeeds, the transaction commits whatever the caller does
 * next, so nothing after it may depend on its result to decide whether to roll back. Elsewhere (PGlite's
 * Prisma transactions) a no-op: the transaction commits when the callback returns.
 */
export function commitWithNext(tx: Db): void {
  const state = pipelined.get(tx);
  if (state) state.commitNext = true;
}

/** The handle of an `sql: true` transaction on a pg connection, and the COMMIT sent behind its last statement. */
function pipelinedTx(client: PgPoolClient, sql: RawSql): { handle: Tx; commit: Promise<unknown> | null } {
  const state = { commitNext: false };
  const out: { handle: Tx; commit: Promise<unknown> | null } = { handle: undefined as unknown as Tx, commit: null };
  const send = <R>(run: () => Promise<R>): Promise<R> => {
    if (out.commit) return Promise.reject(new Error('a statement after the one marked with commitWithNext (the transaction has ended)'));
    if (!state.commitNext) return run();
    state.commitNext = false;
    return batchWrites(client, () => {
      const result = run();
      out.commit = client.query('COMMIT');
      out.commit.catch(() => {}); // awaited by the transaction
      return result;
    });
  };
  out.handle = sqlOnly({
    $queryRaw: (query, ...values) => send(() => sql.$queryRaw(query, ...values)),
    $executeRaw: (query, ...values) => send(() => sql.$executeRaw(query, ...values)),
  });
  pipelined.set(out.handle, state);
  return out;
}

/** A transaction handle for `sql: true` transactions: raw queries only, anything else fails loudly. */
function sqlOnly(sql: RawSql): Tx {
  return new Proxy(sql, {
    get(target, prop) {
      if (prop === '$queryRaw' || prop === '$executeRaw') return target[prop];
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new Error(`tx.${prop} is not available in an sql-only transaction (store.transaction(fn, { sql: true })): use $queryRaw/$executeRaw`);
    },
  }) as unknown as Tx;
}
