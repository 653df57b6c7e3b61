import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { addUser, PASSWORD, secondWorkspace } from './support/people.ts';
import { connectError, messageText, RecordingClient } from './support/realtime.ts';

// Who receives what over Socket.IO, live and in replays, as memberships, roles and accounts change.
// "Never received" is checked with a sentinel: events go out in seq order, so once a later event
// of a visible inbox arrived, an earlier event of an invisible one would have arrived before it.

const SECRET = 'access-secret-0123456789abcdef';

describe.each(storageModes())('realtime access (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let adminLive: RecordingClient;
  let agent: { id: string; client: ApiClient };
  let agentLive: RecordingClient;
  let inboxX: { id: string; publicToken: string };
  let inboxY: { id: string; publicToken: string };
  let n = 0;

  /** Posts one inbound message and returns its text (unique per call). */
  const post = async (inbox: { publicToken: string }, label: string) => {
    const text = `${label}-${++n}`;
    const r = await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: text, contact: { id: `c-${label}`, name: `Kunde ${label}` }, text }] });
    expect(r.status).toBe(200);
    return text;
  };
  const hasText = (text: string) => (e: RealtimeEvent) => messageText(e) === text;
  const inInbox = (c: RecordingClient, inboxId: string) => c.received.filter((e) => e.inboxId === inboxId);

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    agent = await addUser(admin, 'agent', { name: 'Agnes Agent' });
    inboxX = (await admin.post('/api/inboxes', { kind: 'api', name: 'Inbox X', credentials: { secret: SECRET } })).body;
    inboxY = (await admin.post('/api/inboxes', { kind: 'api', name: 'Inbox Y', credentials: { secret: SECRET }, memberIds: [agent.id] })).body;
    adminLive = new RecordingClient(t.url, { cookie: admin.cookie! });
    await adminLive.connect();
    agentLive = new RecordingClient(t.url, { cookie: agent.client.cookie! });
    await agentLive.connect();
  });
  afterAll(async () => {
    await adminLive?.disconnect();
    await agentLive?.disconnect();
    await t?.stop();
  });

  it('an agent who is not a member of inbox X never receives its events, live or replayed', async () => {
    const x = await post(inboxX, 'x');
    const y = await post(inboxY, 'y');
    await adminLive.waitFor(hasText(x), 'X message at the admin');
    await agentLive.waitFor(hasText(y), 'Y message at the agent');
    expect(inInbox(agentLive, inboxX.id)).toEqual([]);
    expect(inInbox(agentLive, inboxY.id).length).toBeGreaterThan(0);

    // Replay of the whole history.
    const replay = new RecordingClient(t.url, { cookie: agent.client.cookie! });
    await replay.connect({ resume: true }); // lastSeq 0: everything they may see
    expect(replay.applied.some(hasText(y))).toBe(true);
    expect(inInbox(replay, inboxX.id)).toEqual([]);
    await replay.disconnect();
  });

  it('nothing crosses workspaces', async () => {
    const otherAdmin = await secondWorkspace(t.server.services, t.url);
    const otherInbox = (await otherAdmin.post('/api/inboxes', { kind: 'api', name: 'Globex inbox', credentials: { secret: SECRET } })).body;
    const otherLive = new RecordingClient(t.url, { cookie: otherAdmin.cookie! });
    await otherLive.connect();
    const foreign = await post(otherInbox, 'globex');
    await otherLive.waitFor(hasText(foreign), 'message at the other admin');
    const y = await post(inboxY, 'y');
    await adminLive.waitFor(hasText(y), 'Y message at the admin');
    await agentLive.waitFor(hasText(y), 'Y message at the agent');
    expect(adminLive.received.some((e) => e.inboxId === otherInbox.id)).toBe(false);
    expect(agentLive.received.some((e) => e.inboxId === otherInbox.id)).toBe(false);
    expect(otherLive.received.some((e) => e.inboxId === inboxY.id || e.inboxId === inboxX.id)).toBe(false);
    const replay = new RecordingClient(t.url, { cookie: admin.cookie! });
    await replay.connect({ resume: true });
    expect(replay.received.some((e) => e.workspaceId !== replay.received[0]!.workspaceId)).toBe(false);
    expect(replay.received.some((e) => e.inboxId === otherInbox.id)).toBe(false);
    await replay.disconnect();
    await otherLive.disconnect();
  });

  it('added as a member: receives the inbox live without reconnecting; removed: stops', async () => {
    const connections = agentLive.connections.length;
    expect((await admin.put(`/api/inboxes/${inboxX.id}/members`, { userIds: [agent.id] })).status).toBe(200);
    const x1 = await post(inboxX, 'x-member');
    await agentLive.waitFor(hasText(x1), 'X message after joining');
    expect(agentLive.connections.length).toBe(connections);
    expect(agentLive.socket?.connected).toBe(true);

    expect((await admin.put(`/api/inboxes/${inboxX.id}/members`, { userIds: [] })).status).toBe(200);
    const x2 = await post(inboxX, 'x-removed');
    const y = await post(inboxY, 'y-after-removal');
    await adminLive.waitFor(hasText(x2), 'X message at the admin');
    await agentLive.waitFor(hasText(y), 'Y message after removal');
    expect(agentLive.received.some(hasText(x2))).toBe(false);
    expect(agentLive.connections.length).toBe(connections);

    // A replay follows the current membership too.
    const replay = new RecordingClient(t.url, { cookie: agent.client.cookie! });
    await replay.connect({ resume: true });
    expect(inInbox(replay, inboxX.id)).toEqual([]);
    await replay.disconnect();
  });

  it('a role change applies to connected sockets: a lead sees every inbox, an agent again only theirs', async () => {
    expect((await admin.patch(`/api/users/${agent.id}`, { role: 'lead' })).status).toBe(200);
    const x1 = await post(inboxX, 'x-as-lead');
    await agentLive.waitFor(hasText(x1), 'X message as lead');
    // An inbox created later is visible to leads at once.
    const z = (await admin.post('/api/inboxes', { kind: 'api', name: 'Inbox Z', credentials: { secret: SECRET } })).body;
    const z1 = await post(z, 'z-as-lead');
    await agentLive.waitFor(hasText(z1), 'Z message as lead');

    expect((await admin.patch(`/api/users/${agent.id}`, { role: 'agent' })).status).toBe(200);
    const x2 = await post(inboxX, 'x-as-agent');
    const z2 = await post(z, 'z-as-agent');
    const y = await post(inboxY, 'y-as-agent');
    await adminLive.waitFor(hasText(z2), 'Z message at the admin');
    await agentLive.waitFor(hasText(y), 'Y message as agent');
    expect(agentLive.received.some(hasText(x2))).toBe(false);
    expect(agentLive.received.some(hasText(z2))).toBe(false);
  });

  it('disabling a user disconnects their sockets (session and token) and refuses new ones', async () => {
    const bob = await addUser(admin, 'agent', { name: 'Bob Agent' });
    expect((await admin.put(`/api/inboxes/${inboxY.id}/members`, { userIds: [agent.id, bob.id] })).status).toBe(200);
    const tok = (await bob.client.post('/api/me/tokens', { name: 'bob' })).body.token as string;
    const bySession = new RecordingClient(t.url, { cookie: bob.client.cookie! });
    const byToken = new RecordingClient(t.url, { token: tok });
    await bySession.connect();
    await byToken.connect();

    expect((await admin.patch(`/api/users/${bob.id}`, { disabled: true })).status).toBe(200);
    expect(await bySession.waitForDisconnect()).toBe('io server disconnect');
    expect(await byToken.waitForDisconnect()).toBe('io server disconnect');
    expect(await connectError(t.url, { token: tok })).toBe('unauthenticated');
    expect(await connectError(t.url, { cookie: bob.client.cookie! })).toBe('unauthenticated');
    // Others stay connected.
    expect(agentLive.socket?.connected).toBe(true);
    expect(adminLive.socket?.connected).toBe(true);
  });

  it("a deleted session's sockets are disconnected at the next access sync; other sessions stay", async () => {
    const carl = await addUser(admin, 'agent', { name: 'Carl Agent' });
    expect((await admin.put(`/api/inboxes/${inboxY.id}/members`, { userIds: [agent.id, carl.id] })).status).toBe(200);
    const second = await new ApiClient(t.url).login(carl.email, PASSWORD);
    const first = new RecordingClient(t.url, { cookie: carl.client.cookie! });
    const other = new RecordingClient(t.url, { cookie: second.cookie! });
    await first.connect();
    await other.connect();

    expect((await carl.client.delete('/api/session')).status).toBe(204); // signs out the first session
    expect((await admin.put(`/api/inboxes/${inboxY.id}/members`, { userIds: [agent.id, carl.id] })).status).toBe(200);
    expect(await first.waitForDisconnect()).toBe('io server disconnect');
    const y = await post(inboxY, 'y-after-signout');
    await other.waitFor(hasText(y), 'Y message on the remaining session');
    expect(other.socket?.connected).toBe(true);
    await other.disconnect();
  });
});
