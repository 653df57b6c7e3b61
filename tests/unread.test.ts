// Read markers and unread counts over REST: a customer message makes a conversation unread for every agent
// who may see it, opening it (POST /read) clears it for that agent only, counts per sidebar view follow
// assignment, team, label and status, and nobody learns anything about inboxes they may not see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { ConversationDto, UnreadCountsDto } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { addUser, bearer, secondWorkspace, withoutCsrf } from './support/people.ts';
import { RecordingClient } from './support/realtime.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const SECRET = 'unread-secret-0123456789abcdef';
const NONE: UnreadCountsDto = { mine: 0, unassigned: 0, all: 0, teams: {}, inboxes: {}, labels: {} };

describe.each(storageModes())('unread counts and read markers (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let agentIn: { id: string; client: ApiClient };
  let agentOut: { id: string; client: ApiClient };
  let inboxX: { id: string; publicToken: string };
  let inboxY: { id: string; publicToken: string };
  let conv: ConversationDto;
  let n = 0;

  const say = async (inbox: { publicToken: string }, who: string, text: string) =>
    expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: `m-${++n}`, contact: { id: `c-${who}`, name: who }, text }] })).status).toBe(200);
  const counts = async (c: ApiClient): Promise<UnreadCountsDto> => {
    const r = await c.get<UnreadCountsDto>('/api/conversations/unread-counts');
    expect(r.status).toBe(200);
    return r.body;
  };

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    agentIn = await addUser(admin, 'agent', { name: 'Ina Inside' });
    agentOut = await addUser(admin, 'agent', { name: 'Otto Outside' });
    inboxX = (await admin.post('/api/inboxes', { kind: 'api', name: 'X', credentials: { secret: SECRET }, memberIds: [agentIn.id] })).body;
    inboxY = (await admin.post('/api/inboxes', { kind: 'api', name: 'Y', credentials: { secret: SECRET }, memberIds: [agentOut.id] })).body;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a customer message makes the conversation unread for everyone who may see it, and only for them', async () => {
    expect(await counts(agentIn.client)).toEqual(NONE);
    await say(inboxX, 'Xenia', 'First question');
    conv = (await admin.get(`/api/conversations?inboxId=${inboxX.id}`)).body.items[0];
    expect(Date.parse(conv.lastInboundAt!)).toBeGreaterThan(Date.now() - 60_000);
    const unread = { ...NONE, unassigned: 1, all: 1, inboxes: { [inboxX.id]: 1 } };
    expect(await counts(agentIn.client)).toEqual(unread);
    expect(await counts(admin)).toEqual(unread);
    expect(await counts(agentOut.client)).toEqual(NONE);
    // A second message in the same conversation: still one unread conversation.
    await say(inboxX, 'Xenia', 'Second question');
    expect((await counts(agentIn.client)).all).toBe(1);
  });

  it('opening it clears it for that agent only; their other connections are told; the next customer message makes it unread again', async () => {
    const agentLive = new RecordingClient(t.url, { cookie: agentIn.client.cookie! });
    const adminLive = new RecordingClient(t.url, { cookie: admin.cookie! });
    await agentLive.connect();
    await adminLive.connect();
    try {
      const r = await agentIn.client.post(`/api/conversations/${conv.id}/read`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ conversationId: conv.id, readAt: expect.any(String) });
      expect(await counts(agentIn.client)).toEqual(NONE);
      expect((await counts(admin)).all).toBe(1);
      const event = await agentLive.waitFor((e) => e.type === 'conversation.read', 'the read event');
      expect(event).toMatchObject({ conversationId: conv.id, payload: { conversationId: conv.id, readAt: r.body.readAt } });

      // Marking it read again changes nothing and tells nobody.
      const again = await agentIn.client.post(`/api/conversations/${conv.id}/read`);
      expect(again.status).toBe(200);
      expect(Date.parse(again.body.readAt)).toBeGreaterThanOrEqual(Date.parse(r.body.readAt));
      // Sentinel: the next inbound message reaches both; the admin never got a read event, the agent got one.
      await say(inboxX, 'Xenia', 'Third question');
      const third = (e: { type: string; payload: unknown }) => e.type === 'message.created' && JSON.stringify(e.payload).includes('Third question');
      await agentLive.waitFor(third, 'the third message at the agent');
      await adminLive.waitFor(third, 'the third message at the admin');
      expect(agentLive.applied.filter((e) => e.type === 'conversation.read')).toHaveLength(1);
      expect(adminLive.applied.filter((e) => e.type === 'conversation.read')).toEqual([]);
      expect((await counts(agentIn.client)).all).toBe(1);

      const reads = await agentIn.client.get(`/api/conversations/reads?ids=${conv.id}`);
      expect(reads.status).toBe(200);
      expect(reads.body.items).toEqual([{ conversationId: conv.id, readAt: again.body.readAt }]);
      expect((await admin.get(`/api/conversations/reads?ids=${conv.id}`)).body.items).toEqual([]);
    } finally {
      await agentLive.disconnect();
      await adminLive.disconnect();
    }
  });

  it('counts follow assignment, team, label and status', async () => {
    const team = (await admin.post('/api/teams', { name: 'Billing', memberIds: [agentIn.id] })).body;
    expect((await admin.post('/api/labels', { name: 'vip', color: '#c0392b' })).status).toBe(201);
    expect((await admin.patch(`/api/conversations/${conv.id}`, { assigneeId: agentIn.id, teamId: team.id, labels: ['vip'] })).status).toBe(200);
    expect(await counts(agentIn.client)).toEqual({ mine: 1, unassigned: 0, all: 1, teams: { [team.id]: 1 }, inboxes: { [inboxX.id]: 1 }, labels: { vip: 1 } });
    // The admin sees the same conversation unread, but it is not theirs.
    expect(await counts(admin)).toMatchObject({ mine: 0, unassigned: 0, all: 1, teams: { [team.id]: 1 }, labels: { vip: 1 } });

    expect((await admin.patch(`/api/conversations/${conv.id}`, { status: 'resolved' })).status).toBe(200);
    expect(await counts(agentIn.client)).toEqual(NONE);
    expect((await admin.patch(`/api/conversations/${conv.id}`, { status: 'open' })).status).toBe(200);
    expect((await counts(agentIn.client)).mine).toBe(1);
    // An API token works like the session.
    const token = (await agentIn.client.post('/api/me/tokens', { name: 'reader' })).body.token as string;
    expect((await bearer(t.url, token).post(`/api/conversations/${conv.id}/read`)).status).toBe(200);
    expect(await counts(agentIn.client)).toEqual(NONE);
  });

  it('an agent without access to the inbox gets 404 and counts without it', async () => {
    await say(inboxY, 'Yara', 'Hello from Y');
    const other = (await agentOut.client.get('/api/conversations')).body.items[0] as ConversationDto;
    expect(await counts(agentOut.client)).toEqual({ ...NONE, unassigned: 1, all: 1, inboxes: { [inboxY.id]: 1 } });
    expect(await counts(agentIn.client)).toEqual(NONE);

    const refused = await agentOut.client.post(`/api/conversations/${conv.id}/read`);
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('not_found');
    expect((await agentOut.client.get(`/api/conversations/reads?ids=${conv.id},${other.id}`)).body.items).toEqual([]);
    expect((await agentIn.client.post(`/api/conversations/${other.id}/read`)).status).toBe(404);
    expect(await counts(agentOut.client)).toMatchObject({ all: 1 });

    const elsewhere = await secondWorkspace(t.server.services, t.url);
    expect(await counts(elsewhere)).toEqual(NONE);
    expect((await elsewhere.post(`/api/conversations/${conv.id}/read`)).status).toBe(404);
  });

  it('bad input and missing credentials are refused, nothing changed', async () => {
    expect((await agentIn.client.post('/api/conversations/not-a-uuid/read')).status).toBe(400);
    expect((await agentIn.client.post('/api/conversations/00000000-0000-4000-8000-000000000000/read')).status).toBe(404);
    expect((await agentIn.client.get('/api/conversations/reads?ids=nope')).status).toBe(400);
    expect((await agentIn.client.get('/api/conversations/reads')).status).toBe(400);
    expect((await agentIn.client.get(`/api/conversations/reads?ids=${Array.from({ length: 201 }, () => conv.id).join(',')}`)).status).toBe(400);
    await say(inboxX, 'Xenia', 'Fourth question');
    expect((await withoutCsrf(agentIn.client).post(`/api/conversations/${conv.id}/read`)).status).toBe(403);
    expect((await fetch(`${t.url}/api/conversations/unread-counts`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/conversations/${conv.id}/read`, { method: 'POST' })).status).toBe(401);
    expect((await counts(agentIn.client)).all).toBe(1);
  });
});
