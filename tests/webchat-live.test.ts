// The chat widget live both ways, against the real server (no browser): visitor messages reach the agents'
// feed through the one ingest path, agent replies and status changes reach the visitor's widgets, notes never
// do; typing indicators both ways; agent availability; read receipts both ways; the pre-chat form (unverified
// claims) and identity verification (a logged-in customer joins their existing contact).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { addUser } from './support/people.ts';
import { LiveClient } from './support/realtime-client.ts';
import { startSecondInstance, startTestServer, type TestServer } from './support/server.ts';
import { createWebchatInbox, eventually, identityHash, recordTyping, Visitor, type WebchatInbox } from './support/widget.ts';

const API_SECRET = 'webchat-live-api-secret-0123456789';

describe.each(storageModes())('widget live (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let inbox: WebchatInbox;
  let agentUser: { id: string; client: ApiClient };
  let agent: LiveClient;
  let agentToken: string;
  const open: Visitor[] = [];
  const connect = async (auth: Partial<Parameters<typeof Visitor.connect>[1]> = {}, target = inbox) => {
    const v = await Visitor.connect(t.url, { inbox: target.publicToken, ...auth });
    open.push(v);
    return v;
  };
  const created = (id: string) => (e: RealtimeEvent) => e.type === 'message.created' && e.payload.message.id === id;
  const conversationOf = async (messageId: string) => {
    const e = await agent.waitFor(created(messageId));
    if (e.type !== 'message.created') throw new Error('unexpected event');
    return e.payload.conversation;
  };
  const contactOf = async (id: string) => (await admin.get(`/api/contacts/${id}`)).body as { id: string; name: string | null; identities: Array<{ kind: string; address: string; verified: boolean }> };

  beforeAll(async () => {
    t = await startTestServer(mode, { webchat: { presenceMs: 200 } });
    admin = await setupAdmin(t.url);
    agentUser = await addUser(admin, 'agent', { name: 'Grace Support' });
    inbox = await createWebchatInbox(admin);
    await admin.put(`/api/inboxes/${inbox.id}/members`, { userIds: [agentUser.id] });
    agentToken = (await agentUser.client.post('/api/me/tokens', { name: 'live' })).body.token as string;
    agent = new LiveClient(t.url, { token: agentToken });
    await agent.connect();
  });
  afterAll(async () => {
    for (const v of open) v.close();
    agent?.disconnect();
    await t?.stop();
  });

  it('a visitor’s message reaches the agents live; the reply reaches the visitor live; notes never do', async () => {
    const v = await connect();
    const hi = await v.say('Hi, my order is late', { pageUrl: 'https://shop.example/orders/7' });
    const conversation = await conversationOf(hi.id);
    expect(conversation.inboxId).toBe(inbox.id);
    const contact = await contactOf(conversation.contact.id);
    expect(contact.identities).toEqual([expect.objectContaining({ kind: 'webchat', address: expect.stringMatching(new RegExp(`^${inbox.id}:visitor:v_`)), verified: true })]);
    const stored = (await agentUser.client.get(`/api/conversations/${conversation.id}/messages`)).body.items[0];
    expect(stored.metadata.webchat).toMatchObject({ pageUrl: 'https://shop.example/orders/7', clientId: hi.clientId });

    const note = await agentUser.client.post(`/api/conversations/${conversation.id}/notes`, { text: 'internal: check the warehouse' });
    const reply = await agentUser.client.post(`/api/conversations/${conversation.id}/messages`, { text: 'It ships today!' });
    expect(reply.status).toBe(201);
    const live = await v.message((m) => m.id === reply.body.id, 'the agent reply');
    expect(live).toMatchObject({ from: 'agent', author: 'Grace Support', text: 'It ships today!', conversationId: conversation.id });
    expect(v.messages.map((m) => m.id)).not.toContain(note.body.id);
    expect(JSON.stringify(v.messages)).not.toContain('warehouse');
    // The outbound job confirms the reply (webchat has no provider: our id).
    await eventually(async () => (await t.db.prisma.message.findUnique({ where: { id: reply.body.id } }))?.deliveryStatus === 'sent', 'the reply marked sent');
    expect((await t.db.prisma.message.findUnique({ where: { id: reply.body.id } }))?.providerMessageId).toBe(reply.body.id);
  });

  it('a visitor on one instance gets the reply an agent posted on another', async () => {
    const other = await startSecondInstance(t, { webchat: { presenceMs: 200 } });
    try {
      const visitor = await Visitor.connect(other.url, { inbox: inbox.publicToken });
      open.push(visitor);
      const hi = await visitor.say('Hello, instance B here');
      const conversation = await conversationOf(hi.id); // the agent is connected to the first instance
      const reply = (await agentUser.client.post(`/api/conversations/${conversation.id}/messages`, { text: 'Answered from instance A' })).body as { id: string };
      await visitor.message((m) => m.id === reply.id, 'the reply across instances');
    } finally {
      await other.stop();
    }
  });

  it('read receipts both ways: the visitor read the reply; the agent saw the visitor’s message', async () => {
    const v = await connect();
    const question = await v.say('Do you ship to Austria?');
    const conversation = await conversationOf(question.id);
    const reply = (await agentUser.client.post(`/api/conversations/${conversation.id}/messages`, { text: 'Yes, we do.' })).body as { id: string };
    await v.message((m) => m.id === reply.id, 'the reply');
    // Somebody else's ids change nothing.
    const stranger = await connect();
    stranger.socket.emit('messages:ack', { ids: [reply.id], status: 'read' });
    v.socket.emit('messages:ack', { ids: [reply.id], status: 'read' });
    await agent.waitFor((e) => e.type === 'message.updated' && e.payload.message.id === reply.id && e.payload.message.deliveryStatus === 'read');
    // …and a later `sent` from the outbound job never moves it back.
    await eventually(async () => (await t.db.prisma.job.count({ where: { status: { in: ['pending', 'running'] } } })) === 0, 'the send job done');
    expect((await t.db.prisma.message.findUnique({ where: { id: reply.id } }))?.deliveryStatus).toBe('read');

    const seen = await agentUser.client.post(`/api/conversations/${conversation.id}/seen`);
    expect(seen.body).toEqual({ updated: 1 });
    await v.until(() => v.statuses.some((s) => s.id === question.id && s.status === 'read'), 'the visitor’s message seen');
    expect(stranger.statuses).toEqual([]);
    expect((await admin.post(`/api/conversations/${conversation.id}/seen`)).body).toEqual({ updated: 0 });
  });

  it('typing indicators both ways, only to the conversation’s people', async () => {
    const typingSeen = recordTyping(agent);
    const v = await connect();
    const other = await connect();
    const first = await v.say('Let me describe the problem');
    const conversation = await conversationOf(first.id);
    await other.say('unrelated visitor');
    v.socket.emit('typing', true);
    await eventually(() => typingSeen.some((e) => e.conversationId === conversation.id && e.typing), 'the visitor typing at the agent');
    expect(typingSeen.find((e) => e.conversationId === conversation.id)).toEqual({
      conversationId: conversation.id,
      inboxId: inbox.id,
      author: { type: 'contact', id: conversation.contact.id, name: null },
      typing: true,
    });
    v.socket.emit('typing', false);
    await eventually(() => typingSeen.some((e) => e.conversationId === conversation.id && !e.typing), 'the visitor stopped typing');

    agent.socket!.emit('typing', { conversationId: conversation.id, typing: true });
    await v.until(() => v.typing.some((x) => x.typing), 'the agent typing in the widget');
    expect(v.typing[0]).toEqual({ typing: true, name: 'Grace Support' });
    agent.socket!.emit('typing', { conversationId: conversation.id, typing: false });
    await v.until(() => v.typing.some((x) => !x.typing), 'the agent stopped typing');
    expect(other.typing).toEqual([]);
  });

  it('an agent cannot type into a conversation they may not see', async () => {
    const secret = await createWebchatInbox(admin, {}, 'Private chat');
    const adminLive = new LiveClient(t.url, { token: (await admin.post('/api/me/tokens', { name: 'admin-live' })).body.token as string });
    await adminLive.connect();
    const v = await connect({}, secret);
    const m = await v.say('hello private');
    const e = await adminLive.waitFor(created(m.id));
    if (e.type !== 'message.created') throw new Error('unexpected event');
    agent.socket!.emit('typing', { conversationId: e.payload.conversation.id, typing: true });
    adminLive.socket!.emit('typing', { conversationId: e.payload.conversation.id, typing: true });
    await v.until(() => v.typing.length > 0, 'the admin typing');
    expect(v.typing).toEqual([{ typing: true, name: 'Ada Admin' }]);
    adminLive.disconnect();
  });

  it('shows whether an agent is available: online and with the console open', async () => {
    const v = await connect();
    expect(v.session?.agents).toEqual({ online: false });
    await agentUser.client.patch(`/api/users/${agentUser.id}`, { availability: 'online' });
    await v.until(() => v.agents.at(-1)?.online === true, 'agents online');
    agent.disconnect();
    await v.until(() => v.agents.at(-1)?.online === false, 'agents offline after the console closed');
    agent = new LiveClient(t.url, { token: agentToken });
    await agent.connect();
    await v.until(() => v.agents.at(-1)?.online === true, 'agents online again');
    const later = await connect();
    expect(later.session?.agents).toEqual({ online: true });
    await agentUser.client.patch(`/api/users/${agentUser.id}`, { availability: 'offline' });
    await v.until(() => v.agents.at(-1)?.online === false, 'agents offline by availability');
  });

  it('the pre-chat form: required fields first; a typed email is a claim that never merges into an existing contact', async () => {
    const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop backend', credentials: { secret: API_SECRET } })).body as { publicToken: string };
    await postApiWebhook(t.url, api.publicToken, API_SECRET, { messages: [{ id: 'crm-1', contact: { id: 'cust-1', email: 'erika@example.com', name: 'Erika (real)' }, text: 'hello via API' }] });
    const erika = await t.db.prisma.contactIdentity.findFirstOrThrow({ where: { kind: 'email', address: 'erika@example.com' } });

    const form = await createWebchatInbox(admin, { preChatForm: { enabled: true, name: 'required', email: 'required' } }, 'Chat with form');
    await admin.put(`/api/inboxes/${form.id}/members`, { userIds: [agentUser.id] });
    const v = await connect({}, form);
    const refused = await v.send({ text: 'Hi' });
    expect(refused.ok ? null : refused.error.code).toBe('prechat_required');
    expect((await v.profile({ name: 'Erika?', email: 'not-an-email' })).ok).toBe(false);
    const profile = await v.profile({ name: 'Erika?', email: 'Erika@Example.com' });
    if (!profile.ok) throw new Error(JSON.stringify(profile.error));
    expect(profile.visitor).toEqual({ name: 'Erika?', email: 'erika@example.com', verified: false });
    const m = await v.say('I am Erika, show me my orders');
    const conversation = await conversationOf(m.id);
    expect(conversation.contact.id).not.toBe(erika.contactId);
    expect(conversation.contact.name).toBe('Erika?');
    const stored = await t.db.prisma.message.findUniqueOrThrow({ where: { id: m.id } });
    expect((stored.metadata as { webchat: { claimedEmail: string } }).webchat.claimedEmail).toBe('erika@example.com');
    // The real Erika's contact is untouched, and the visitor sees nothing of it.
    expect((await contactOf(erika.contactId)).identities.map((i) => i.kind).sort()).toEqual(['api', 'email']);
    expect(v.session?.messages).toEqual([]);

    // A new claim nobody holds is attached, unverified.
    const w = await connect({}, form);
    await w.profile({ name: 'Otto', email: 'otto@example.com' });
    const c2 = await conversationOf((await w.say('hi from Otto')).id);
    expect((await contactOf(c2.contact.id)).identities).toContainEqual(expect.objectContaining({ kind: 'email', address: 'otto@example.com', verified: false }));
    // The renewed token carries the form: the next page load is not asked again.
    const back = await connect({ token: profile.token }, form);
    expect(back.session?.visitor).toEqual({ name: 'Erika?', email: 'erika@example.com', verified: false });
    expect((await back.send({ text: 'still me' })).ok).toBe(true);
  });

  it('identity verification: a logged-in customer joins their existing contact and history, on any device', async () => {
    const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'CRM', credentials: { secret: API_SECRET } })).body as { publicToken: string };
    await postApiWebhook(t.url, api.publicToken, API_SECRET, { messages: [{ id: 'crm-2', contact: { id: 'cust-2', email: 'grace@example.com', name: 'Grace Hopper' }, text: 'earlier, by API' }] });
    const known = await t.db.prisma.contactIdentity.findFirstOrThrow({ where: { kind: 'email', address: 'grace@example.com' } });
    const identity = {
      userId: 'user-1906',
      userHash: identityHash(inbox.secret, 'user-1906'),
      email: 'Grace@Example.com',
      emailHash: identityHash(inbox.secret, 'grace@example.com'),
      name: 'Grace Hopper',
    };
    const laptop = await connect({ identity });
    expect(laptop.session?.visitor).toEqual({ name: 'Grace Hopper', email: 'grace@example.com', verified: true });
    const m = await laptop.say('Logged in, where is my invoice?');
    const conversation = await conversationOf(m.id);
    expect(conversation.contact.id).toBe(known.contactId);
    const identities = (await contactOf(known.contactId)).identities;
    expect(identities).toContainEqual(expect.objectContaining({ kind: 'webchat', address: `${inbox.id}:user:user-1906`, verified: true }));

    const phone = await connect({ identity });
    expect(phone.session?.messages.map((x) => x.id)).toEqual([m.id]);
    expect(phone.token).not.toBe(laptop.token);

    // Logged out (the site passes no identity any more): the verified session is not kept.
    const loggedOut = await connect({ token: laptop.token });
    expect(loggedOut.session?.messages).toEqual([]);
    expect(loggedOut.session?.visitor.verified).toBe(false);

    // A user id with an unsigned email: the email stays a claim and joins nothing.
    const unsigned = await connect({ identity: { userId: 'user-2000', userHash: identityHash(inbox.secret, 'user-2000'), email: 'grace@example.com' } });
    const c3 = await conversationOf((await unsigned.say('also me?')).id);
    expect(c3.contact.id).not.toBe(known.contactId);
  });
});
