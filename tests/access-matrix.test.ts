import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { LiveClient } from './support/realtime-client.ts';

// The access matrix: role × inbox membership × action, over REST and Socket.IO, in two workspaces.
// Allowed: admin and lead (every inbox of their workspace), agent-in (member of inbox X).
// Forbidden: agent-out (member of inbox Y only) and the admin of workspace B. A forbidden cell must be
// refused and leak nothing: no names, no counts, no events.

const SECRET = 'matrix-secret-0123456789abcdef';
const SECRET_NAME = 'Geheimkunde Gustav'; // the contact in inbox X: must never reach a forbidden user
const PASSWORD = 'matrix password 123';

type Who = 'admin' | 'lead' | 'agentIn' | 'agentOut' | 'adminB';
const ALLOWED: Who[] = ['admin', 'lead', 'agentIn'];
const FORBIDDEN: Who[] = ['agentOut', 'adminB'];

describe.each(storageModes())('access matrix (%s)', (mode) => {
  let t: TestServer;
  const api = {} as Record<Who, ApiClient>;
  const live = {} as Record<Who, LiveClient>;
  let inboxX: any, inboxY: any, inboxB: any;
  let convX: any;

  const seedMessage = async (inbox: any, id: string, name: string, text: string) =>
    expect((await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id, contact: { id: `c-${name}`, name }, text }] })).status).toBe(200);

  beforeAll(async () => {
    t = await startTestServer(mode);
    api.admin = await setupAdmin(t.url);
    const mk = async (name: string, email: string, role: string) => {
      const r = await api.admin.post('/api/users', { name, email, role, password: PASSWORD });
      expect(r.status).toBe(201);
      return r.body;
    };
    await mk('Lea Lead', 'lead@example.test', 'lead');
    const agentIn = await mk('Ina Inside', 'in@example.test', 'agent');
    const agentOut = await mk('Otto Outside', 'out@example.test', 'agent');
    inboxX = (await api.admin.post('/api/inboxes', { kind: 'api', name: 'Inbox X', credentials: { secret: SECRET }, memberIds: [agentIn.id] })).body;
    inboxY = (await api.admin.post('/api/inboxes', { kind: 'api', name: 'Inbox Y', credentials: { secret: SECRET }, memberIds: [agentOut.id] })).body;
    api.lead = await new ApiClient(t.url).login('lead@example.test', PASSWORD);
    api.agentIn = await new ApiClient(t.url).login('in@example.test', PASSWORD);
    api.agentOut = await new ApiClient(t.url).login('out@example.test', PASSWORD);

    // Workspace B, with its own admin and inbox.
    await t.server.services.auth.createWorkspaceWithAdmin({ workspaceName: 'Other Corp', name: 'Bea B', email: 'b@example.test', password: PASSWORD }, { onlyIfEmpty: false });
    api.adminB = await new ApiClient(t.url).login('b@example.test', PASSWORD);
    inboxB = (await api.adminB.post('/api/inboxes', { kind: 'api', name: 'Inbox B', credentials: { secret: SECRET } })).body;

    await seedMessage(inboxX, 'x-1', SECRET_NAME, 'Vertraulich: Kündigung');
    await seedMessage(inboxY, 'y-1', 'Yvonne', 'Hallo aus Y');
    await seedMessage(inboxB, 'b-1', 'Bert', 'Hallo aus B');
    convX = (await api.admin.get(`/api/conversations?inboxId=${inboxX.id}`)).body.items[0];
    expect(convX.contact.name).toBe(SECRET_NAME);

    for (const who of Object.keys(api) as Who[]) {
      const c = api[who];
      live[who] = new LiveClient(t.url, { cookie: c.cookie! });
      await live[who].connect();
    }
  });
  afterAll(async () => {
    for (const l of Object.values(live)) l?.disconnect();
    await t?.stop();
  });

  const leaks = (body: unknown) => JSON.stringify(body).includes(SECRET_NAME) || JSON.stringify(body).includes('Kündigung');

  // Each action on conversation X: [name, request, expected status when allowed]
  const actions: Array<[string, (c: ApiClient) => Promise<{ status: number; body: any }>, number]> = [
    ['get conversation', (c) => c.get(`/api/conversations/${convX.id}`), 200],
    ['list its messages', (c) => c.get(`/api/conversations/${convX.id}/messages`), 200],
    ['add a note', (c) => c.post(`/api/conversations/${convX.id}/notes`, { text: 'note' }), 201],
    ['change its priority', (c) => c.patch(`/api/conversations/${convX.id}`, { priority: 'high' }), 200],
    ['reply', (c) => c.post(`/api/conversations/${convX.id}/messages`, { text: 'reply' }), 201],
    ['get its inbox', (c) => c.get(`/api/inboxes/${inboxX.id}`), 200],
    ['get its contact', (c) => c.get(`/api/contacts/${convX.contact.id}`), 200],
    ["list the contact's conversations", (c) => c.get(`/api/contacts/${convX.contact.id}/conversations`), 200],
  ];

  for (const [name, act, okStatus] of actions) {
    it.each(ALLOWED)(`%s may ${name}`, async (who) => {
      expect((await act(api[who])).status).toBe(okStatus);
    });
    it.each(FORBIDDEN)(`%s may not ${name}, and learns nothing`, async (who) => {
      const r = await act(api[who]);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect(leaks(r.body)).toBe(false);
    });
  }

  it.each(FORBIDDEN)('%s sees neither the conversation nor its count in lists and searches', async (who) => {
    const c = api[who];
    const all = await c.get('/api/conversations');
    expect(all.status).toBe(200);
    expect(all.body.items.map((x: any) => x.id)).not.toContain(convX.id);
    expect(all.body.total).toBe(all.body.items.length); // no hidden rows counted
    const filtered = await c.get(`/api/conversations?inboxId=${inboxX.id}`);
    expect(filtered.body).toMatchObject({ items: [], total: 0 });
    const inboxes = await c.get('/api/inboxes');
    expect(inboxes.body.map((i: any) => i.id)).not.toContain(inboxX.id);
    const search = await c.get(`/api/contacts?q=${encodeURIComponent('Geheimkunde')}`);
    expect(search.status).toBe(200);
    expect(search.body.items).toEqual([]);
    expect(leaks([all.body, filtered.body, inboxes.body, search.body])).toBe(false);
  });

  it.each(ALLOWED)('%s sees the conversation in lists and searches', async (who) => {
    const all = await api[who].get(`/api/conversations?inboxId=${inboxX.id}`);
    expect(all.body.items.map((x: any) => x.id)).toEqual([convX.id]);
    const search = await api[who].get(`/api/contacts?q=${encodeURIComponent('Geheimkunde')}`);
    expect(search.body.items.map((x: any) => x.name)).toEqual([SECRET_NAME]);
  });

  it('only admins connect inboxes and set members; only leads and admins manage teams and labels', async () => {
    for (const who of ['lead', 'agentIn', 'agentOut'] as Who[]) {
      expect((await api[who].post('/api/inboxes', { kind: 'api', name: 'Nope', credentials: { secret: SECRET } })).status).toBe(403);
      expect((await api[who].put(`/api/inboxes/${inboxY.id}/members`, { userIds: [] })).status).toBe(403);
    }
    for (const who of ['agentIn', 'agentOut'] as Who[]) {
      expect((await api[who].post('/api/teams', { name: `T-${who}` })).status).toBe(403);
      expect((await api[who].post('/api/labels', { name: `l-${who}` })).status).toBe(403);
    }
    expect((await api.lead.post('/api/teams', { name: 'Support' })).status).toBe(201);
    expect((await api.lead.post('/api/labels', { name: 'vip' })).status).toBe(201);
    // Workspace B's admin cannot touch workspace A's inbox members.
    expect((await api.adminB.put(`/api/inboxes/${inboxX.id}/members`, { userIds: [] })).status).toBe(404);
  });

  it('delivers live events only to those who may see them (Socket.IO)', async () => {
    await seedMessage(inboxX, 'x-live', SECRET_NAME, 'Kündigung live');
    // Sentinels after it: events arrive in seq order, so a forbidden user who got the later
    // sentinel but not the X event was never sent the X event.
    await seedMessage(inboxY, 'y-live', 'Yvonne', 'sentinel Y');
    await seedMessage(inboxB, 'b-live', 'Bert', 'sentinel B');
    const isX = (e: any) => e.type === 'message.created' && e.payload.message.providerMessageId === 'x-live';
    for (const who of ALLOWED) await live[who].waitFor(isX);
    await live.agentOut.waitFor((e: any) => e.payload?.message?.providerMessageId === 'y-live');
    await live.adminB.waitFor((e: any) => e.payload?.message?.providerMessageId === 'b-live');
    for (const who of FORBIDDEN) {
      expect(live[who].events.filter((e) => e.inboxId === inboxX.id)).toEqual([]);
      expect(leaks(live[who].events)).toBe(false);
    }
    const workspaceA = (await api.admin.get('/api/me')).body.workspaceId;
    expect(live.adminB.events.length).toBeGreaterThan(0);
    expect(live.adminB.events.filter((e) => e.workspaceId === workspaceA)).toEqual([]);
  });

  it('replays only what each user may see after a reconnect', async () => {
    for (const who of Object.keys(live) as Who[]) live[who].disconnect();
    const fresh = {} as Record<Who, LiveClient>;
    for (const who of Object.keys(api) as Who[]) {
      fresh[who] = new LiveClient(t.url, { cookie: api[who].cookie! });
      fresh[who].cursor.lastSeq = 0; // resume from the very beginning
      await fresh[who].connect({ resume: true });
      fresh[who].disconnect();
    }
    for (const who of ALLOWED) expect(fresh[who].events.some((e) => e.inboxId === inboxX.id)).toBe(true);
    for (const who of FORBIDDEN) {
      expect(fresh[who].events.filter((e) => e.inboxId === inboxX.id)).toEqual([]);
      expect(leaks(fresh[who].events)).toBe(false);
    }
    expect(fresh.agentOut.events.some((e) => e.inboxId === inboxY.id)).toBe(true);
    expect(fresh.adminB.events.some((e) => e.inboxId === inboxB.id)).toBe(true);
  });
});
