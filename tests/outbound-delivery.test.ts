import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ADMIN, ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { eventually, startReceiver } from './support/webhook-receiver.ts';
import { startServerProcess } from './support/start-process.ts';

const SECRET = 'integration-secret-0123456789';

async function inboxWithConversation(admin: ApiClient, base: string, webhookUrl: string) {
  const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Backend', credentials: { secret: SECRET, webhookUrl } })).body;
  await postApiWebhook(base, inbox.publicToken, SECRET, { messages: [{ id: 'in-1', contact: { id: 'c1', name: 'Erika' }, text: 'Hi' }] });
  const conversation = (await admin.get('/api/conversations')).body.items[0];
  return { inbox, conversation };
}

const messageById = async (admin: ApiClient, conversationId: string, id: string) =>
  (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items.find((m: any) => m.id === id);

describe.each(storageModes())('outbound delivery through durable jobs (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  const receivers: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
  });
  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => t?.stop());

  it('retries 500, 500, then 200: exactly one accepted delivery, status sent', async () => {
    const receiver = await startReceiver([500, 500, 200]);
    receivers.push(receiver);
    const { conversation } = await inboxWithConversation(admin, t.url, receiver.url);
    const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Dritter Versuch klappt' })).body;
    const sent = await eventually(async () => {
      const m = await messageById(admin, conversation.id, reply.id);
      return m?.deliveryStatus === 'sent' ? m : null;
    });
    expect(receiver.requests).toHaveLength(3);
    // Every try carries the same delivery id, so the receiver can dedupe; exactly one was accepted.
    expect(new Set(receiver.requests.map((r) => r.headers['x-switchboard-delivery']))).toEqual(new Set([reply.id]));
    expect(sent.providerMessageId).toBe('ext-3');
    expect(sent.deliveryError).toBeNull(); // the "will retry" note is cleared once sent
  });

  it("a provider id already taken by an inbound message of the inbox: the reply counts as sent once, without that id", async () => {
    const receiver = await startReceiver([], 200); // answers { id: "ext-1" } to the first delivery
    receivers.push(receiver);
    const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Echoing backend', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    // The integrator's own numbering: its inbound message took "ext-1" before our reply gets it back.
    await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: 'ext-1', contact: { id: 'c-echo', name: 'Echo' }, text: 'Hallo' }] });
    const conversation = (await admin.get(`/api/conversations?inboxId=${inbox.id}`)).body.items[0];
    const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Antwort' })).body;
    const sent = await eventually(async () => {
      const m = await messageById(admin, conversation.id, reply.id);
      return m?.deliveryStatus === 'sent' ? m : null;
    });
    expect(sent.providerMessageId).toBeNull();
    expect(sent.deliveryError).toBeNull();
    // Not failed and retried: one delivery, and it stays one.
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests).toHaveLength(1);
    const inbound = (await admin.get(`/api/conversations/${conversation.id}/messages?limit=100`)).body.items.filter((m: any) => m.providerMessageId === 'ext-1');
    expect(inbound.map((m: any) => m.direction)).toEqual(['in']);
  });

  it('marks a permanent 4xx as failed with the reason, and retry sends it again', async () => {
    const receiver = await startReceiver([422], 200);
    receivers.push(receiver);
    const { conversation } = await inboxWithConversation(admin, t.url, receiver.url);
    const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Geht nicht' })).body;
    const failed = await eventually(async () => {
      const m = await messageById(admin, conversation.id, reply.id);
      return m?.deliveryStatus === 'failed' ? m : null;
    });
    expect(failed.deliveryError).toMatch(/422/);
    expect(receiver.requests).toHaveLength(1);
    const retried = await admin.post(`/api/messages/${reply.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.deliveryStatus).toBe('queued');
    await eventually(async () => (await messageById(admin, conversation.id, reply.id))?.deliveryStatus === 'sent');
    expect(receiver.requests).toHaveLength(2);
  });

  it('gives up after the last try and marks the message failed', async () => {
    const receiver = await startReceiver([], 503);
    receivers.push(receiver);
    const { conversation } = await inboxWithConversation(admin, t.url, receiver.url);
    // Shorten the schedule for this job: the queue's maxAttempts is per job.
    const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Niemand da' })).body;
    const failed = await eventually(async () => {
      const m = await messageById(admin, conversation.id, reply.id);
      return m?.deliveryStatus === 'failed' ? m : null;
    }, 30_000);
    expect(failed.deliveryError).toMatch(/503/);
    expect(receiver.requests.length).toBe(8);
  });
});

describe.each(storageModes())('queued jobs survive a killed process (%s)', (mode) => {
  it('a process killed with queued replies delivers them after restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-restart-'));
    const db = await createTestDatabase(mode, mode === 'pglite' ? { dataDir } : {});
    await db.close(); // PGlite is single-process: the server opens the directory itself
    const env: Record<string, string> = {
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_SECRET: 'restart-secret-0123456789abcdef012345',
      SWITCHBOARD_ADMIN_EMAIL: ADMIN.email,
      SWITCHBOARD_ADMIN_PASSWORD: ADMIN.password,
      // The retry after the first failed try is due ~3 s later: after the kill, before the new process is up.
      JOB_RETRY_BASE_MS: '3000',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    const receiver = await startReceiver([], 503);
    let server = await startServerProcess({ LOG_LEVEL: 'warn', ...env });
    try {
      const admin = await new ApiClient(server.url).login(ADMIN.email, ADMIN.password);
      const { conversation } = await inboxWithConversation(admin, server.url, receiver.url);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await admin.post(`/api/conversations/${conversation.id}/messages`, { text: `Antwort ${i}` })).body.id);
      // Each reply was tried once; its job is pending again once the message says it will retry.
      for (const id of ids) {
        await eventually(async () => /Will retry/.test((await messageById(admin, conversation.id, id))?.deliveryError ?? ''));
      }
      expect((await server.stop('SIGKILL')).signal).toBe('SIGKILL'); // killed: no graceful shutdown
      const triedBeforeKill = receiver.requests.length;

      receiver.setFallback(200); // the integrator is back
      server = await startServerProcess({ LOG_LEVEL: 'warn', ...env });
      const admin2 = await new ApiClient(server.url).login(ADMIN.email, ADMIN.password);
      for (const id of ids) {
        await eventually(async () => (await messageById(admin2, conversation.id, id))?.deliveryStatus === 'sent', 30_000);
      }
      const accepted = receiver.requests.slice(triedBeforeKill).map((r) => r.headers['x-switchboard-delivery']);
      expect(accepted.sort()).toEqual([...ids].sort());
    } finally {
      await server.stop('SIGKILL');
      await receiver.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
