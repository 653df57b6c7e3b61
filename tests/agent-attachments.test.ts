// Agents attach files to replies and notes: stored with the message, downloadable by who may see it,
// bad input refused with nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';

const SECRET = 'agent-files-secret-0123456789ab';

describe.each(storageModes())('agent attachments (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let conversationId: string;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Files', credentials: { secret: SECRET } })).body;
    await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: 'm-1', contact: { id: 'c-1', name: 'Ida' }, text: 'Hi' }] });
    conversationId = (await admin.get('/api/conversations')).body.items[0].id;
  });
  afterAll(async () => {
    await t?.stop();
  });

  const count = async () => (await admin.get(`/api/conversations/${conversationId}/messages`)).body.items.length;

  it('a note may be only a file; the file downloads byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const r = await admin.post(`/api/conversations/${conversationId}/notes`, { attachments: [{ name: 'dump.bin', contentBase64: bytes.toString('base64') }] });
    expect(r.status).toBe(201);
    expect(r.body.attachments).toMatchObject([{ name: 'dump.bin', contentType: 'application/octet-stream', size: 6 }]);
    const file = await fetch(t.url + r.body.attachments[0].url, { headers: { cookie: admin.cookie! } });
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
  });

  it('refuses bad base64 and oversized files with nothing stored', async () => {
    const before = await count();
    const bad = await admin.post(`/api/conversations/${conversationId}/messages`, { text: 'x', attachments: [{ name: 'a.txt', contentBase64: 'not base64!' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1, 7).toString('base64');
    const tooBig = await admin.post(`/api/conversations/${conversationId}/messages`, { text: 'x', attachments: [{ name: 'big.bin', contentBase64: huge }] });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('payload_too_large');
    expect(await count()).toBe(before);
  });
});
