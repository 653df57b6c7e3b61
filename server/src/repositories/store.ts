import type { Database, PgPoolClient, PrismaClient, Prisma, RawSql } from '@switchboard/db';
import { batchWrites, isUniqueViolation, rawSql, sqlState } from '@switchboard/db';
import { Gate } from './gate.ts';
import { TransactionGroups, type TogetherOutcome, type TxFn } from './transaction-groups.ts';

export { isUniqueViolation };

type Pool = NonNullable<Database['pool']>;

export type Tx = Prisma.TransactionClient;

/** Thrown inside a transaction to have Store.transaction roll back and run it again (an optimistic read lost a race). */
export class RetryTransaction extends Error {
  override name = 'RetryTransaction';
}
export type Db = PrismaClient | Tx;

const MAX_WAIT_MS = 10_000;
/** At most this many transactions share one commit (TransactionGroups). */
const MAX_GROUP = 16;
/**
 * At most this many groups (or grouped transactions running alone) at once: the rest wait and join the next
 * group. Fewer, larger groups cost less per message than many small ones (measured: tests/bench/README.md), and
 * leave the pool's other connections to the API, the relay and the jobs during an ingest burst.
 */
const GROUP_LANES = 2;
const IN_FAILED_TRANSACTION = '25P02';

export interface TransactionOptions {
  /** Retries after a unique violation or RetryTransaction (default 3). */
  retries?: number;
  /** false: no onCommit listeners after the commit (the relay's own transactions). */
  notify?: boolean;
  /** fn uses raw SQL only (see Store.transaction). */
  sql?: boolean;
  /**
   * With `sql`: under load, fn may share its transaction with others (group commit, TransactionGroups); the keys
   * name what fn contends for, the lock it takes first first. fn must take its locks in its first statement and
   * must not wait for any other transaction's progress while it runs; it may run more than once (in a group that
   * rolled back, then alone).
   */
  group?: readonly string[];
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
  readonly #groups: TransactionGroups<Tx> | undefined;
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
    this.#groups =
      this.#gate && this.#pool
        ? new TransactionGroups<Tx>(this.#gate, (fns) => this.#runSqlTogether(fns), {
            lanes: Math.min(GROUP_LANES, (db.poolSize ?? 2) - 1),
            maxSize: MAX_GROUP,
            maxWaitMs: MAX_WAIT_MS,
          })
        : undefined;
  }

  /** Group commit so far (TransactionGroups.stats); null where transactions are never grouped (PGlite). */
  get groupStats(): { groups: number; members: number; rollbacks: number } | null {
    return this.#groups?.stats ?? null;
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
   * With `group` as well (the ingest), `fn` may share its transaction and COMMIT with others (TransactionGroups).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions = {}): Promise<T> {
    const keys = opts.group;
    if (keys !== undefined && opts.sql && opts.notify !== false && this.#groups?.wants(keys)) {
      return this.#groups.join(keys, fn, (slotHeld) => this.#attempts(fn, opts, slotHeld));
    }
    return this.#attempts(fn, opts, false);
  }

  /** Store.transaction's retry loop; `slotHeld`: the caller holds a gate slot for it (a group of one). */
  async #attempts<T>(fn: (tx: Tx) => Promise<T>, opts: TransactionOptions, slotHeld: boolean): Promise<T> {
    const retries = opts.retries ?? 3;
    const run = opts.sql && this.#pool ? (f: (tx: Tx) => Promise<T>) => this.#runSql(f, slotHeld) : this.#run.bind(this);
    for (let attempt = 0; ; attempt++) {
      try {
        const hooks: Array<() => void> = [];
        const result = await run((tx: Tx) => {
          this.#txHooks.set(tx, hooks);
          return fn(tx);
        });
        for (const h of hooks) h();
        if (opts.notify !== false) this.#notify();
        return result;
      } catch (err) {
        if (attempt < retries && (isUniqueViolation(err) || err instanceof RetryTransaction)) continue;
        throw err;
      }
    }
  }

  #notify(): void {
    for (const l of this.#afterCommit) l();
  }

  /**
   * A pooled connection for one transaction on PostgreSQL. `broken()` makes the pool drop the connection when it
   * is released (its state is unknown); a connection lost meanwhile is dropped too.
   */
  async #onConnection<T>(work: (client: PgPoolClient, pool: Pool, broken: () => void) => Promise<T>): Promise<T> {
    const pool = this.#pool;
    if (!pool) throw new Error('no pg pool');
    const client = await pool.connect();
    let broken = false;
    const markBroken = () => {
      broken = true;
    };
    // A connection lost mid-transaction emits 'error' on the client (unhandled, it would crash the process).
    client.on('error', markBroken);
    try {
      return await work(client, pool, markBroken);
    } finally {
      client.off('error', markBroken);
      client.release(broken);
    }
  }

  /**
   * A group's transaction (TransactionGroups): every fn concurrently on one connection, their statements
   * pipelined, then one COMMIT; afterCommit hooks and listeners as for one transaction. The group holds a gate
   * slot.
   */
  async #runSqlTogether(fns: Array<TxFn<Tx>>): Promise<TogetherOutcome> {
    const hooks: Array<() => void> = [];
    const outcome = await this.#onConnection(async (client, pool, broken): Promise<TogetherOutcome> => {
      const tx = pipelinedTx(client, rawSql(client, pool), { shared: true });
      this.#txHooks.set(tx.handle, hooks);
      try {
        // BEGIN and every fn's first statement leave in one write.
        const { begun, started } = begin(client, () => fns.map((fn) => call(fn, tx.handle)));
        const settled = await Promise.allSettled(started);
        await begun;
        if (settled.some((s) => s.status === 'rejected')) {
          // Rolled back all the same if that fails: nothing commits on a connection that is gone.
          await client.query('ROLLBACK').catch(broken);
          // Statements behind a failed one fail with "current transaction is aborted": their fns are not to blame.
          return { committed: false, culprit: settled.map((s) => s.status === 'rejected' && sqlState(s.reason) !== IN_FAILED_TRANSACTION) };
        }
        const committed = (await client.query('COMMIT')) as { command?: string };
        // A statement failed but its fn went on (caught the error): the server answered COMMIT with ROLLBACK.
        if (committed.command !== 'COMMIT') return { committed: false, culprit: fns.map(() => false) };
        return { committed: true, values: settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) };
      } catch (err) {
        // BEGIN or COMMIT itself failed: the connection is in an unknown state.
        broken();
        throw err;
      }
    });
    // Committed: the members' afterCommit hooks, then the listeners, as after a transaction of one's own.
    if (outcome.committed) {
      for (const h of hooks) h();
      this.#notify();
    }
    return outcome;
  }

  async #runSql<T>(fn: (tx: Tx) => Promise<T>, slotHeld = false): Promise<T> {
    if (!slotHeld) await this.#gate?.acquire(MAX_WAIT_MS);
    try {
      return await this.#onConnection(async (client, pool, broken) => {
        const tx = pipelinedTx(client, rawSql(client, pool));
        try {
          // BEGIN leaves in one write with the first statement (sent synchronously by fn), COMMIT with the one
          // fn marked with commitWithNext; the connection is in pipeline mode (see openDatabase).
          const { begun, started } = begin(client, () => fn(tx.handle));
          const result = await started;
          await begun;
          const committed = (await (tx.commit ?? client.query('COMMIT'))) as { command?: string };
          // A statement failed but fn went on (caught the error): the server answers COMMIT with ROLLBACK.
          if (committed.command !== 'COMMIT') throw new Error(`transaction rolled back (a statement in it failed): ${committed.command}`);
          return result;
        } catch (err) {
          // COMMIT went out behind the last statement: the server committed, or (the statement failed) rolled back.
          // Otherwise roll back; a connection that cannot even do that is in an unknown state: the pool drops it.
          await (tx.commit ?? client.query('ROLLBACK')).catch(broken);
          throw err;
        }
      });
    } finally {
      if (!slotHeld) this.#gate?.release();
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

/**
 * Sends BEGIN and runs `start`, whose statements (issued synchronously) leave in the same write. `begun` surfaces
 * BEGIN's own failure once awaited (else it would be unhandled while the statements behind it fail too).
 */
function begin<R>(client: PgPoolClient, start: () => R): { begun: Promise<unknown>; started: R } {
  return batchWrites(client, () => {
    const begun = client.query('BEGIN');
    begun.catch(() => {});
    return { begun, started: start() };
  });
}

/** fn(tx) as a promise, also when fn throws before returning one. */
function call<R>(fn: (tx: Tx) => Promise<R>, tx: Tx): Promise<R> {
  try {
    return fn(tx);
  } catch (err) {
    return Promise.reject(err);
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
function pipelinedTx(client: PgPoolClient, sql: RawSql, o: { shared?: boolean } = {}): { handle: Tx; commit: Promise<unknown> | null } {
  // Shared by a group (Store.#runSqlTogether): the group commits when every member is done, commitWithNext is a no-op.
  const state = { commitNext: false };
  const out: { handle: Tx; commit: Promise<unknown> | null } = { handle: undefined as unknown as Tx, commit: null };
  const send = <R>(run: () => Promise<R>): Promise<R> => {
    if (out.commit) return Promise.reject(new Error('a statement after the one marked with commitWithNext (the transaction has ended)'));
    if (!state.commitNext || o.shared) return run();
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
