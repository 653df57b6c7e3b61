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

/** Where a "longest waiting" page goes on: among the waiting conversations (by waitingSince), or the rest (by activity). */
export type WaitingCursor = { phase: 'waiting' | 'rest'; at: Date; id: string };

/** Cursors of the "longest waiting" order: base64url of "w|<iso>|<id>" or "a|<iso>|<id>". */
export function encodeWaitingCursor(c: WaitingCursor): string {
  return Buffer.from(`${c.phase === 'waiting' ? 'w' : 'a'}|${c.at.toISOString()}|${c.id}`).toString('base64url');
}

export function decodeWaitingCursor(cursor: string): WaitingCursor {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const phase = text.startsWith('w|') ? 'waiting' : text.startsWith('a|') ? 'rest' : null;
  if (!phase) throw new AppError('validation_failed', 'Invalid cursor (not one of sort=waiting)', { fieldErrors: { cursor: ['Invalid cursor'] } });
  return { phase, ...decodeCursor(Buffer.from(text.slice(2)).toString('base64url')) };
}
