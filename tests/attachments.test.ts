import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { eventually } from './support/webhook-receiver.ts';

const SECRET = 'attach-secret-0123456789abcdef';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe.each(storageModes())('inbound attachments (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let outsider: ApiClient;
  let inbox: any;
  let files: { url: string; hits: number; close(): Promise<void> };

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Files', credentials: { secret: SECRET } })).body;
    await admin.post('/api/users', { name: 'Otto', email: 'otto@example.test', role: 'agent', password: 'otto password 1' });
    outsider = await new ApiClient(t.url).login('otto@example.test', 'otto password 1');
    let hits = 0;
    // The provider's file host: /photo.png works, /gone answers 404.
    const server = createServer((req, res) => {
      hits++;
      if (req.url === '/photo.png') {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(PNG);
      } else {
        res.writeHead(404);
        res.end('no');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    files = { url: base, get hits() { return hits; }, close: () => new Promise<void>((r) => server.close(() => r())) };
  });
  afterAll(async () => {
    await files?.close();
    await t?.stop();
  });

  const send = (id: string, attachments: unknown[]) =>
    postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id, contact: { id: 'c-1', name: 'Fia' }, attachments }] });

  it('downloads a file offered by URL into storage and serves it to agents who may see it', async () => {
    expect((await send('m-1', [{ name: 'photo.png', contentType: 'image/png', url: `${files.url}/photo.png` }])).status).toBe(200);
    const conv = (await admin.get('/api/conversations')).body.items[0];
    expect(conv.lastMessagePreview).toBe('📎 photo.png');
    const message = (await admin.get(`/api/conversations/${conv.id}/messages`)).body.items[0];
    expect(message.attachments).toHaveLength(1);
    const att = message.attachments[0];
    expect(att).toMatchObject({ name: 'photo.png', contentType: 'image/png' });

    const res = await eventually(async () => {
      const r = await fetch(t.url + att.url, { headers: { cookie: admin.cookie! } });
      return r.status === 200 ? r : null;
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');

    // An agent without access to the inbox gets 404, like for the conversation itself.
    const denied = await fetch(t.url + att.url, { headers: { cookie: outsider.cookie! } });
    expect(denied.status).toBe(404);
  });

  it('keeps the message when the file cannot be fetched, and says why', async () => {
    expect((await send('m-2', [{ name: 'gone.pdf', contentType: 'application/pdf', url: `${files.url}/gone` }])).status).toBe(200);
    const conv = (await admin.get('/api/conversations')).body.items[0];
    const message = (await admin.get(`/api/conversations/${conv.id}/messages`)).body.items.find((m: any) => m.providerMessageId === 'm-2');
    const att = message.attachments[0];
    const res = await eventually(async () => {
      const r = await admin.get(att.url);
      return r.status === 409 && /could not be downloaded/.test(r.body.error.message) ? r : null;
    });
    expect(res.body.error.message).toMatch(/404/);
  });
});
