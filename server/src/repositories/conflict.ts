import { isUniqueViolation } from '@switchboard/db';
import { AppError } from '../lib/errors.ts';

/**
 * Runs a write and turns a unique violation (a name/email/address already taken, possibly by a
 * concurrent writer) into 409 conflict with a field error.
 */
export async function orConflict<T>(write: Promise<T>, field: string, message: string): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('conflict', message, { fieldErrors: { [field]: [message] } });
    throw err;
  }
}
