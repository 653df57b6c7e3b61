import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { eventually, startReceiver } from './support/webhook-receiver.ts';

const SECRET = 'pause-secret-0123456789';
const PASSWORD = 'lead password 123';

describe.each(storageModes())('pausing and resuming an inbox (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let inbox: { id: string; publicToken: string; disabled: boolean };

  beforeAll(async () => {
    // Slower retries than the tests' default: the queued reply below is still being retried when the inbox is paused.
    t = await startTestServer(mode, { queue: { baseDelayMs: 300, maxDelayMs: 1_000 } });
    admin = await setupAdmin(t.url);
    receiver = await startReceiver();
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET, webhookUrl: receiver.url } });
    expect(r.status).toBe(201);
    inbox = r.body;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.stop();
  });

  const customerWrites = (id: string, text: string) =>
    postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id, contact: { id: 'cust-p', name: 'Paula' }, text }] });
  const messagesOf = async (conversationId: string) =>
    (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items as Array<{ id: string; text: string; deliveryStatus: string | null; deliveryError: string | null }>;

  it('paused: webhooks 404 and store nothing, replies are refused, a queued reply fails; resumed: all works again', async () => {
    expect(inbox.disabled).toBe(false);
    expect((await customerWrites('p-1', 'before the pause')).status).toBe(200);
    const conversation = (await admin.get('/api/conversations')).body.items[0] as { id: string };

    // Only admins pause inboxes.
    expect((await admin.post('/api/users', { name: 'Lee Lead', email: 'lee@example.test', role: 'lead', password: PASSWORD })).status).toBe(201);
    const lead = await new ApiClient(t.url).login('lee@example.test', PASSWORD);
    expect((await lead.patch(`/api/inboxes/${inbox.id}`, { disabled: true })).status).toBe(403);

    // A reply whose first sends fail is still queued when the inbox is paused: its next try fails it with the reason.
    receiver.setFallback(500);
    const queued = await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'on its way' });
    expect(queued.status).toBe(201);
    await eventually(async () => receiver.requests.length > 0);

    const paused = await admin.patch(`/api/inboxes/${inbox.id}`, { disabled: true });
    expect(paused.status).toBe(200);
    expect(paused.body.disabled).toBe(true);
    expect((await admin.get('/api/inboxes')).body.find((i: { id: string }) => i.id === inbox.id).disabled).toBe(true);

    const failed = await eventually(async () => (await messagesOf(conversation.id)).find((m) => m.id === queued.body.id && m.deliveryStatus === 'failed'));
    expect(failed.deliveryError).toMatch(/paused/);
    receiver.setFallback(200);
    const triesWhilePaused = receiver.requests.length;

    const refused = await customerWrites('p-2', 'while paused');
    expect(refused.status).toBe(404);
    const reply = await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'not now' });
    expect(reply.status).toBe(409);
    expect(reply.body.error.code).toBe('inbox_disabled');
    const retry = await admin.post(`/api/messages/${queued.body.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('inbox_disabled');
    // Agents still read the conversation; a private note is no reply and is allowed.
    expect((await admin.post(`/api/conversations/${conversation.id}/notes`, { text: 'paused for maintenance' })).status).toBe(201);
    const texts = (await messagesOf(conversation.id)).map((m) => m.text);
    expect(texts).toContain('before the pause');
    expect(texts).not.toContain('while paused');
    expect(texts).not.toContain('not now');
    expect(receiver.requests.length).toBe(triesWhilePaused);

    const resumed = await admin.patch(`/api/inboxes/${inbox.id}`, { disabled: false });
    expect(resumed.body.disabled).toBe(false);
    expect((await customerWrites('p-2', 'while paused')).status).toBe(200);
    expect((await admin.post(`/api/messages/${queued.body.id}/retry`)).status).toBe(200);
    await eventually(async () => (await messagesOf(conversation.id)).find((m) => m.id === queued.body.id)?.deliveryStatus === 'sent');
    expect((await messagesOf(conversation.id)).map((m) => m.text)).toContain('while paused');
  });
});
