import { widgetError } from './errors.ts';
import { rateLimitRepo } from '../repositories/sessions.ts';
import type { Db } from '../repositories/store.ts';

export interface Limit {
  key: string;
  windowMs: number;
  max: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * Counts one hit on every limit (fixed windows in the database, so all instances share them) and refuses with
 * `rate_limited` (retry after the longest window still full) when any is over its maximum.
 */
export async function enforceLimits(db: Db, limits: Limit[], what: string): Promise<void> {
  const rows = await rateLimitRepo.hitMany(db, limits.map(({ key, windowMs }) => ({ key, windowMs })));
  const over = rows.filter((r, i) => r.count > (limits[i]?.max ?? Infinity));
  if (over.length === 0) return;
  const retryAfter = Math.max(1, Math.ceil((Math.max(...over.map((r) => r.resetAt.getTime())) - Date.now()) / 1000));
  throw widgetError('rate_limited', `Too many ${what}; try again in ${retryAfter} s`, retryAfter);
}
