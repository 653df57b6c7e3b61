import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { eventually, startReceiver } from './support/webhook-receiver.ts';

const SECRET = 'integration-secret-0123456789';

describe.each(storageModes())('API channel end to end (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let inbox: { id: string; publicToken: string; webhookUrl: string };

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    receiver = await startReceiver();
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'Shop backend', credentials: { secret: SECRET, webhookUrl: receiver.url } });
    expect(r.status).toBe(201);
    inbox = r.body;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.stop();
  });

  const msg = (id: string, text = 'Hallo, wo ist meine Bestellung?') => ({
    messages: [{ id, contact: { id: 'cust-1', name: 'Max Mustermann', email: 'Max@Example.com' }, text }],
  });

  it('shows the exact webhook URL to configure', () => {
    expect(inbox.webhookUrl).toMatch(new RegExp(`/webhooks/api/${inbox.publicToken}$`));
  });

  it('ingests a signed message into a conversation on the right contact', async () => {
    const r = await postApiWebhook(t.url, inbox.publicToken, SECRET, msg('m-1'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ received: 1, duplicates: 0 });
    const list = await admin.get('/api/conversations?status=open');
    expect(list.body.items).toHaveLength(1);
    const conv = list.body.items[0];
    expect(conv).toMatchObject({ number: 1, status: 'open', contact: { name: 'Max Mustermann' }, lastMessagePreview: 'Hallo, wo ist meine Bestellung?' });
    const messages = await admin.get(`/api/conversations/${conv.id}/messages`);
    expect(messages.body.items.map((m: any) => m.text)).toEqual(['Hallo, wo ist meine Bestellung?']);
  });

  it('stores one message for two deliveries with the same provider id', async () => {
    const first = await postApiWebhook(t.url, inbox.publicToken, SECRET, msg('m-dup', 'once'));
    const again = await postApiWebhook(t.url, inbox.publicToken, SECRET, msg('m-dup', 'once'));
    expect(first.body).toMatchObject({ received: 1, duplicates: 0 });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ received: 0, duplicates: 1 });
    const conv = (await admin.get('/api/conversations')).body.items[0];
    const texts = (await admin.get(`/api/conversations/${conv.id}/messages?limit=100`)).body.items.map((m: any) => m.text);
    expect(texts.filter((x: string) => x === 'once')).toHaveLength(1);
  });

  it('stores one message when the same id arrives concurrently', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => postApiWebhook(t.url, inbox.publicToken, SECRET, msg('m-race', 'raced'))));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.reduce((n, r) => n + r.body.received, 0)).toBe(1);
    const conv = (await admin.get('/api/conversations')).body.items[0];
    const texts = (await admin.get(`/api/conversations/${conv.id}/messages?limit=100`)).body.items.map((m: any) => m.text);
    expect(texts.filter((x: string) => x === 'raced')).toHaveLength(1);
  });

  it('rejects missing, wrong and tampered signatures with 401 and stores nothing', async () => {
    const before = (await admin.get('/api/conversations')).body.items[0];
    const countBefore = (await admin.get(`/api/conversations/${before.id}/messages?limit=100`)).body.items.length;
    const body = JSON.stringify(msg('m-bad'));
    expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, null, { raw: body, signature: null })).status).toBe(401);
    expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, null, { raw: body, signature: 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    const other = await postApiWebhook(t.url, inbox.publicToken, 'another-secret-0123456789', msg('m-bad'));
    expect(other.status).toBe(401);
    expect(other.body.error.code).toBe('invalid_signature');
    const countAfter = (await admin.get(`/api/conversations/${before.id}/messages?limit=100`)).body.items.length;
    expect(countAfter).toBe(countBefore);
    expect((await admin.get('/api/conversations')).body.total).toBe(1);
  });

  it('rejects malformed JSON and invalid payloads with 400 and stores nothing', async () => {
    const bad = await postApiWebhook(t.url, inbox.publicToken, SECRET, null, { raw: '{"messages": [' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('malformed_payload');
    const invalid = await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: 'x', contact: {}, text: 'hi' }] });
    expect(invalid.status).toBe(400);
    expect((await admin.get('/api/conversations')).body.total).toBe(1);
  });

  it('refuses bodies over 5 MB with 413, declared or chunked, and stores nothing', async () => {
    const url = `${t.url}/webhooks/api/${inbox.publicToken}`;
    const big = JSON.stringify(msg('m-big', 'x'.repeat(5 * 1024 * 1024)));
    const declared = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    // No Content-Length: the body arrives chunked and is counted as it is read.
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 256 * 1024) controller.enqueue(bytes.subarray(i, i + 256 * 1024));
        controller.close();
      },
    });
    const chunked = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await admin.get('/api/conversations')).body.total).toBe(1);
  });

  it('answers 404 for an unknown inbox token', async () => {
    expect((await postApiWebhook(t.url, 'nope', SECRET, msg('m-x'))).status).toBe(404);
  });

  it('sends an agent reply to the integrator webhook, signed, and marks it sent', async () => {
    const conv = (await admin.get('/api/conversations')).body.items[0];
    const sent = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Ist unterwegs!' });
    expect(sent.status).toBe(201);
    expect(sent.body.deliveryStatus).toBe('queued');
    await receiver.waitFor(1);
    const delivered = receiver.requests[0]!;
    expect(JSON.parse(delivered.body).message.text).toBe('Ist unterwegs!');
    expect(delivered.headers['x-switchboard-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const msg = await eventually(async () => {
      const items = (await admin.get(`/api/conversations/${conv.id}/messages`)).body.items;
      return items.find((m: any) => m.id === sent.body.id && m.deliveryStatus === 'sent');
    });
    expect(msg.providerMessageId).toBe('ext-1');
    const after = (await admin.get(`/api/conversations/${conv.id}`)).body;
    expect(after.firstResponseAt).not.toBeNull();
    expect(after.waitingSince).toBeNull();
  });

  it('applies a new secret and a deleted inbox to the very next webhook (nothing stored under the old ones)', async () => {
    const created = await admin.post('/api/inboxes', { kind: 'api', name: 'Rotating', credentials: { secret: SECRET } });
    expect(created.status).toBe(201);
    const other = created.body as { id: string; publicToken: string };
    const payload = (id: string) => ({ messages: [{ id, contact: { id: 'rot-1', name: 'Rota' }, text: `rotating ${id}` }] });
    const stored = async () => (await admin.get(`/api/conversations?inboxId=${other.id}`)).body.total as number;
    // The server now knows the inbox (webhooks may be answered from what it read here).
    expect((await postApiWebhook(t.url, other.publicToken, SECRET, payload('r-1'))).status).toBe(200);
    const newSecret = 'rotated-secret-0123456789abcdef';
    expect((await admin.patch(`/api/inboxes/${other.id}`, { credentials: { secret: newSecret } })).status).toBe(200);
    const old = await postApiWebhook(t.url, other.publicToken, SECRET, payload('r-2'));
    expect(old.status).toBe(401);
    expect((await postApiWebhook(t.url, other.publicToken, newSecret, payload('r-3'))).status).toBe(200);
    const conv = (await admin.get(`/api/conversations?inboxId=${other.id}`)).body.items[0];
    const texts = (await admin.get(`/api/conversations/${conv.id}/messages`)).body.items.map((m: any) => m.text);
    expect([...texts].sort()).toEqual(['rotating r-1', 'rotating r-3']);
    expect(await stored()).toBe(1);
    expect((await admin.delete(`/api/inboxes/${other.id}`)).status).toBe(204);
    expect((await postApiWebhook(t.url, other.publicToken, newSecret, payload('r-4'))).status).toBe(404);
  });

  it("keeps a new customer to one contact and one conversation when their first messages arrive at once", async () => {
    const created = await admin.post('/api/inboxes', { kind: 'api', name: 'Rush', credentials: { secret: SECRET } });
    const rush = created.body as { id: string; publicToken: string };
    const first = (id: string) => ({ messages: [{ id, contact: { id: 'rush-1', name: 'Rasch', email: 'rasch@example.com' }, text: `hello ${id}` }] });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => postApiWebhook(t.url, rush.publicToken, SECRET, first(`rush-${i}`))));
    expect(results.map((r) => [r.status, r.body.received])).toEqual(Array.from({ length: 6 }, () => [200, 1]));
    const contacts = (await admin.get('/api/contacts?q=rasch@example.com')).body.items;
    expect(contacts).toHaveLength(1);
    const conversations = (await admin.get(`/api/conversations?inboxId=${rush.id}`)).body;
    expect(conversations.total).toBe(1);
    expect(conversations.items[0].contact.id).toBe(contacts[0].id);
    const texts = (await admin.get(`/api/conversations/${conversations.items[0].id}/messages?limit=100`)).body.items.map((m: any) => m.text);
    expect([...texts].sort()).toEqual(Array.from({ length: 6 }, (_, i) => `hello rush-${i}`));
  });

  it('keeps a thread to one conversation when messages of new and known customers arrive in it at once, and reopens it', async () => {
    const created = await admin.post('/api/inboxes', { kind: 'api', name: 'Threads', credentials: { secret: SECRET } });
    const threads = created.body as { id: string; publicToken: string };
    const inThread = (id: string, customer: string) => ({
      messages: [{ id, threadId: 'order-77', subject: 'Order 77', contact: { id: customer, name: `Name ${customer}` }, text: `thread ${id}` }],
    });
    const send = (id: string, customer: string) => postApiWebhook(t.url, threads.publicToken, SECRET, inThread(id, customer));
    const first = await Promise.all(Array.from({ length: 6 }, (_, i) => send(`t-${i}`, `buyer-${i % 3}`)));
    expect(first.map((r) => r.body.received)).toEqual([1, 1, 1, 1, 1, 1]);
    const list = async () => (await admin.get(`/api/conversations?inboxId=${threads.id}&status=open,pending,snoozed,resolved`)).body;
    expect((await list()).total).toBe(1);
    const conv = (await list()).items[0];
    // Resolved, then more messages in the thread at once: the same conversation, reopened.
    expect((await admin.patch(`/api/conversations/${conv.id}`, { status: 'resolved' })).status).toBe(200);
    const again = await Promise.all(Array.from({ length: 4 }, (_, i) => send(`t-again-${i}`, `buyer-${i % 2}`)));
    expect(again.map((r) => r.body.received)).toEqual([1, 1, 1, 1]);
    const after = await list();
    expect(after.total).toBe(1);
    expect(after.items[0]).toMatchObject({ id: conv.id, status: 'open' });
    const messages = (await admin.get(`/api/conversations/${conv.id}/messages?limit=100`)).body.items as Array<{ direction: string }>;
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(10);
    const others = (await admin.get(`/api/conversations/${conv.id}/participants`)).body.items as Array<{ contact: { name: string } }>;
    expect(others.map((p) => p.contact.name).sort()).toEqual(['Name buyer-0', 'Name buyer-1', 'Name buyer-2'].filter((n) => n !== conv.contact.name));
  });
});
