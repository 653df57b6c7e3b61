import type { Database, PrismaClient, Prisma } from '@switchboard/db';
import { isUniqueViolation } from '@switchboard/db';

export { isUniqueViolation };

export type Tx = Prisma.TransactionClient;
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

  constructor(db: Pick<Database, 'prisma' | 'kind' | 'poolSize'>) {
    this.prisma = db.prisma;
    this.kind = db.kind;
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
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: { retries?: number; notify?: boolean } = {}): Promise<T> {
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const hooks: Array<() => void> = [];
        const result = await this.#run((tx) => {
          this.#txHooks.set(tx, hooks);
          return fn(tx);
        });
        for (const h of hooks) h();
        if (opts.notify !== false) for (const l of this.#afterCommit) l();
        return result;
      } catch (err) {
        if (attempt < retries && isUniqueViolation(err)) continue;
        throw err;
      }
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
