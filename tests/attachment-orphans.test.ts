// Stored files that no attachment references are removed after a day by the hourly sweep: a chat visitor's upload
// that was never sent, the partial file of an interrupted write. Files of messages stay, and so do recent uploads
// (a visitor may still send them).
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createWebchatInbox, SITE, Visitor } from './support/widget.ts';

/** Every stored file, as its storage key (the path under `<data dir>/attachments`). */
function storedKeys(t: TestServer): string[] {
  const root = join(t.dataDir, 'attachments');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
}

function backdate(t: TestServer, key: string, hours: number): void {
  const at = new Date(Date.now() - hours * 3600_000);
  utimesSync(join(t.dataDir, 'attachments', key), at, at);
}

describe.each(storageModes())('unreferenced attachment files (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => t?.stop());

  it('removes day-old files no attachment references; keeps sent files and recent uploads', async () => {
    const inbox = await createWebchatInbox(admin, { attachments: { types: ['text/plain'] } }, 'Files');
    const v = await Visitor.connect(t.url, { inbox: inbox.publicToken });
    const upload = async (body: string) => {
      const r = await fetch(`${t.url}/widget/api/uploads?inbox=${inbox.publicToken}`, {
        method: 'POST',
        headers: { origin: SITE, 'content-type': 'text/plain', 'x-filename': 'note.txt', 'x-switchboard-visitor': v.token },
        body,
      });
      expect(r.status).toBe(201);
      return ((await r.json()) as { upload: string }).upload;
    };
    const message = await v.say('see attached', { uploads: [await upload('sent with a message')] });
    const row = await t.db.prisma.attachment.findFirstOrThrow({ where: { id: message.attachments[0]!.id } });
    const sentKey = row.storageKey!;
    const newKey = (known: string[]) => storedKeys(t).find((k) => !known.includes(k))!;
    await upload('never sent');
    const abandonedKey = newKey([sentKey]);
    await upload('uploaded just now');
    const recentKey = newKey([sentKey, abandonedKey]);
    // The partial file of a write that a crash interrupted.
    const tempKey = `${abandonedKey}.part-00000000-0000-4000-8000-000000000000`;
    mkdirSync(join(t.dataDir, 'attachments', tempKey, '..'), { recursive: true });
    writeFileSync(join(t.dataDir, 'attachments', tempKey), 'half a file');
    for (const key of [sentKey, abandonedKey, tempKey]) backdate(t, key, 25);

    expect(await t.server.services.attachments.purgeOrphans()).toBe(2);
    const left = storedKeys(t);
    expect(left).toContain(sentKey);
    expect(left).toContain(recentKey);
    expect(left).not.toContain(abandonedKey);
    expect(left).not.toContain(tempKey);
    // The sent file is still served.
    const file = await fetch(t.url + message.attachments[0]!.path);
    expect(await file.text()).toBe('sent with a message');
    // Nothing else to do on the next run.
    expect(await t.server.services.attachments.purgeOrphans()).toBe(0);
    v.close();
  });
});
