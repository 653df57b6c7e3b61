import { describe, expect, it } from 'vitest';
import { mapAhead } from './map-ahead.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An async source of 0..n-1 that records how far it was read and whether it was ended early. */
function counting(n: number, failAt?: number) {
  const seen = { pulled: 0, returned: false };
  async function* gen() {
    try {
      for (let i = 0; i < n; i++) {
        await sleep(1);
        if (i === failAt) throw new Error(`source failed at ${i}`);
        seen.pulled++;
        yield i;
      }
    } finally {
      seen.returned = true;
    }
  }
  return { source: gen(), seen };
}

describe('mapAhead', () => {
  it('yields every result in source order however long each takes, with at most `depth` running', async () => {
    const { source } = counting(40);
    let running = 0;
    let most = 0;
    const out: number[] = [];
    for await (const { item, result } of mapAhead(source, async (i) => {
      most = Math.max(most, ++running);
      await sleep((i * 7) % 5); // later items often finish first
      running--;
      return i * 10;
    }, 4)) {
      expect(result).toEqual({ status: 'fulfilled', value: item * 10 });
      out.push(item);
      await sleep(2); // the consumer is slow: the others run ahead meanwhile
    }
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('hands a failed item over as a rejected result at its place, then goes on', async () => {
    const { source } = counting(5);
    const out: string[] = [];
    for await (const { item, result } of mapAhead(source, async (i) => {
      if (i === 2) throw new Error('bad mail');
      return i;
    }, 3)) {
      out.push(result.status === 'fulfilled' ? `${item}:ok` : `${item}:${(result.reason as Error).message}`);
    }
    expect(out).toEqual(['0:ok', '1:ok', '2:bad mail', '3:ok', '4:ok']);
  });

  it('throws a failing source after every item before it (a slow consumer sees no stray rejection meanwhile)', async () => {
    const { source } = counting(10, 6);
    const out: number[] = [];
    const err = await (async () => {
      for await (const { item } of mapAhead(source, async (i) => i, 4)) {
        out.push(item);
        await sleep(10); // the source fails while earlier items are still being handled
      }
    })().then(() => null, (e: unknown) => e);
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect((err as Error).message).toBe('source failed at 6');
  });

  it('stopping early ends the source without reading it to the end', async () => {
    const { source, seen } = counting(100);
    const out: number[] = [];
    for await (const { item } of mapAhead(source, async (i) => i, 3)) {
      out.push(item);
      if (item === 4) break;
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(seen.returned).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(5 + 3);
  });

  it('depth 0 runs nothing ahead: each item is read and handled only when the consumer asks', async () => {
    const { source, seen } = counting(5);
    let calls = 0;
    const out: number[] = [];
    for await (const { item, result } of mapAhead(source, async (i) => (calls++, i), 0)) {
      expect(result).toEqual({ status: 'fulfilled', value: item });
      expect([seen.pulled, calls]).toEqual([item + 1, item + 1]);
      out.push(item);
    }
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('ends at once on an empty source', async () => {
    const { source } = counting(0);
    const out: unknown[] = [];
    for await (const x of mapAhead(source, async (i) => i, 2)) out.push(x);
    expect(out).toEqual([]);
  });
});
