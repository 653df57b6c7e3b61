import { describe, expect, it } from 'vitest';
import { decodeCursor, decodeWaitingCursor, encodeCursor, encodeWaitingCursor } from './cursor.ts';

const ID = '0190a5b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b';
const AT = new Date('2026-01-05T08:00:00.123Z');

describe('list cursors', () => {
  it('round-trip the activity and the waiting order', () => {
    expect(decodeCursor(encodeCursor(AT, ID))).toEqual({ at: AT, id: ID });
    for (const phase of ['waiting', 'rest'] as const) expect(decodeWaitingCursor(encodeWaitingCursor({ phase, at: AT, id: ID }))).toEqual({ phase, at: AT, id: ID });
  });

  it("refuse a cursor of the other order, or garbage, with validation_failed", () => {
    const waiting = encodeWaitingCursor({ phase: 'waiting', at: AT, id: ID });
    expect(() => decodeCursor(waiting)).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => decodeWaitingCursor(encodeCursor(AT, ID))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => decodeWaitingCursor(Buffer.from(`w|not a date|${ID}`).toString('base64url'))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => decodeWaitingCursor(Buffer.from(`a|${AT.toISOString()}|x'; DROP`).toString('base64url'))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });
});
