import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562), the ids Prisma's `@default(uuid(7))` generates, for rows written with raw SQL:
 * 48-bit Unix milliseconds, then a 12-bit counter that keeps ids of this process increasing within one
 * millisecond, then 62 random bits.
 */
let lastMs = 0;
let counter = 0;
const pool = Buffer.alloc(8 * 256);
let poolOffset = pool.length;

function random8(): Buffer {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + 8);
  poolOffset += 8;
  return out;
}

export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = random8().readUInt16BE(0) & 0x3ff; // random start, headroom below 0xfff
  } else {
    counter++;
    if (counter > 0xfff) {
      lastMs++;
      counter = 0;
    }
    ms = lastMs;
  }
  const r = random8();
  const b = Buffer.allocUnsafe(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = 0x70 | (counter >>> 8);
  b[7] = counter & 0xff;
  r.copy(b, 8, 0, 8);
  b[8] = 0x80 | ((b[8] ?? 0) & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
