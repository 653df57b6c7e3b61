import type { Db } from './store.ts';

/** Transaction-scoped advisory lock on a string key (released at commit or rollback). */
export async function lockForTransaction(tx: Db, key: string): Promise<void> {
  await tx.$executeRaw`/* prepare: */ SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}
