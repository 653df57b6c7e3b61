import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentStore } from './attachment-store.ts';

describe('AttachmentStore.filesBefore', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('lists files written before the cutoff, in the months since `since`, and flags partial writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
    dirs.push(dir);
    const store = new AttachmentStore(dir);
    const ws = '01a22b44-0000-7000-8000-000000000001';
    const keys = { recent: `${ws}/2026/11/a`, lastMonth: `${ws}/2026/10/b`, fresh: `${ws}/2026/11/c`, old: `${ws}/2025/01/d` };
    for (const key of Object.values(keys)) await store.put(key, new TextEncoder().encode(key));
    writeFileSync(store.pathOf(`${keys.recent}.part-1`), 'half');
    const dayAgo = new Date('2026-11-29T00:00:00Z');
    for (const key of [keys.recent, keys.lastMonth, keys.old, `${keys.recent}.part-1`]) utimesSync(store.pathOf(key), dayAgo, dayAgo);

    const listed = [];
    for await (const f of store.filesBefore(new Date('2026-11-29T12:00:00Z'), new Date('2026-10-20T00:00:00Z'))) listed.push(f);
    expect(listed.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { key: keys.lastMonth, temp: false },
      { key: keys.recent, temp: false },
      { key: `${keys.recent}.part-1`, temp: true },
    ]);
  });

  it('lists nothing when nothing was ever stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-store-'));
    dirs.push(dir);
    const listed = [];
    for await (const f of new AttachmentStore(dir).filesBefore(new Date(), new Date(0))) listed.push(f);
    expect(listed).toEqual([]);
  });
});
