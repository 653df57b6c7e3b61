import { AppError } from '../lib/errors.ts';

/** Opaque keyset cursors: base64url of "<iso time>|<id>". */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(iso ?? '');
  if (!id || Number.isNaN(at.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw new AppError('validation_failed', 'Invalid cursor', { fieldErrors: { cursor: ['Invalid cursor'] } });
  }
  return { at, id };
}
