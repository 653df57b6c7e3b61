import type { Database, PrismaClient, Prisma } from '@switchboard/db';
import { isUniqueViolation } from '@switchboard/db';

export { isUniqueViolation };

export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient | Tx;

/**
 * The storage handle services work with: the Prisma client plus transactions that tell
 * listeners (the realtime relay, the job worker) when something committed.
 */
export class Store {
  readonly prisma: PrismaClient;
  readonly kind: Database['kind'];
  readonly #afterCommit = new Set<() => void>();

  constructor(db: Pick<Database, 'prisma' | 'kind'>) {
    this.prisma = db.prisma;
    this.kind = db.kind;
  }

  onCommit(listener: () => void): () => void {
    this.#afterCommit.add(listener);
    return () => this.#afterCommit.delete(listener);
  }

  /**
   * Runs `fn` in one transaction. A unique violation (a concurrent writer won a race, e.g. two
   * first messages from the same new contact) rolls back and retries, up to `retries` times.
   * After commit the onCommit listeners run, unless `notify: false` (the relay's own transactions).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, opts: { retries?: number; notify?: boolean } = {}): Promise<T> {
    const retries = opts.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.prisma.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
        if (opts.notify !== false) for (const l of this.#afterCommit) l();
        return result;
      } catch (err) {
        if (attempt < retries && isUniqueViolation(err)) continue;
        throw err;
      }
    }
  }
}
