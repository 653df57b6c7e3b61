// The chat widget's Socket.IO namespace against the real server: its own auth (inbox token, allowed origins,
// signed visitor tokens, identity verification), never an agent's permissions, and the limits for anonymous
// visitors (rate limits per visitor and per address, size and type limits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { io } from 'socket.io-client';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { LiveClient } from './support/realtime-client.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createWebchatInbox, identityHash, SITE, Visitor, type WebchatInbox } from './support/widget.ts';

const API_SECRET = 'webchat-ns-api-secret-0123456789';

describe.each(storageModes())('widget namespace (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let inbox: WebchatInbox;
  const open: Visitor[] = [];
  const connect = async (auth: Parameters<typeof Visitor.connect>[1], opts?: Parameters<typeof Visitor.connect>[2]) => {
    const v = await Visitor.connect(t.url, auth, opts);
    open.push(v);
    return v;
  };
  const counts = async () => ({ contacts: await t.db.prisma.contact.count(), identities: await t.db.prisma.contactIdentity.count(), messages: await t.db.prisma.message.count() });

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    inbox = await createWebchatInbox(admin, { allowedOrigins: [SITE, 'https://*.partner.example'] });
  });
  afterAll(async () => {
    for (const v of open) v.close();
    await t?.stop();
  });

  it('shows the embed code and keeps the generated identity secret out of the inbox list', async () => {
    // PUBLIC_URL is not set in tests: the default http://localhost:3000.
    expect(inbox.embedCode).toBe(`<script src="http://localhost:3000/widget.js" data-inbox="${inbox.publicToken}" async></script>`);
    expect(inbox.secret).toMatch(/^[0-9a-f]{64}$/);
    const listed = await admin.get('/api/inboxes');
    expect(JSON.stringify(listed.body)).not.toContain(inbox.secret);
  });

  it('refuses an unknown inbox token and a page from a site that is not allowed', async () => {
    expect((await Visitor.refused(t.url, { inbox: 'no-such-inbox' })).code).toBe('unknown_inbox');
    expect((await Visitor.refused(t.url, { inbox: inbox.publicToken }, { origin: 'https://evil.example' })).code).toBe('forbidden_origin');
    expect((await Visitor.refused(t.url, { inbox: inbox.publicToken }, { origin: null })).code).toBe('forbidden_origin');
    expect((await Visitor.refused(t.url, { inbox: inbox.publicToken }, { origin: 'https://partner.example' })).code).toBe('forbidden_origin');
    const sub = await connect({ inbox: inbox.publicToken }, { origin: 'https://eu.partner.example' });
    expect(sub.session?.messages).toEqual([]);
  });

  it('keeps a visitor who brings their token back (page loads, tabs), with their history', async () => {
    const first = await connect({ inbox: inbox.publicToken });
    expect(first.session?.visitor).toEqual({ name: null, email: null, verified: false });
    const sent = await first.say('Hello from the first page');
    const again = await connect({ inbox: inbox.publicToken, token: first.token });
    expect(again.session?.messages.map((m) => m.id)).toEqual([sent.id]);
    expect(again.session?.messages[0]).toMatchObject({ from: 'visitor', text: 'Hello from the first page', clientId: sent.clientId, viaEmail: false });
    // The other tab sees what this one writes next.
    const next = await again.say('And from the second tab');
    await first.message((m) => m.id === next.id, 'the second tab’s message in the first tab');
  });

  it('starts a new visitor for a tampered token, or one of another inbox', async () => {
    const v = await connect({ inbox: inbox.publicToken });
    await v.say('mine');
    const other = await createWebchatInbox(admin, {}, 'Second site');
    const elsewhere = await connect({ inbox: other.publicToken, token: v.token });
    expect(elsewhere.session?.messages).toEqual([]);
    const [payload, sig] = v.token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${Buffer.from(JSON.stringify({ ...claims, v: 'v_someone-else' })).toString('base64url')}.${sig}`;
    const tampered = await connect({ inbox: inbox.publicToken, token: forged });
    expect(tampered.session?.messages).toEqual([]);
    expect(tampered.token).not.toBe(v.token);
  });

  it('refuses a forged identity hash and merges nothing', async () => {
    await postApiWebhook(t.url, (await apiInbox()).publicToken, API_SECRET, { messages: [{ id: 'known-1', contact: { id: 'crm-7', email: 'grace@example.com', name: 'Grace' }, text: 'by API' }] });
    const before = await counts();
    const refused = await Visitor.refused(t.url, { inbox: inbox.publicToken, identity: { userId: 'u-7', userHash: identityHash('not-the-secret-0123456789abcdef0123', 'u-7'), email: 'grace@example.com', name: 'Grace' } });
    expect(refused).toEqual({ code: 'invalid_identity', message: expect.stringContaining('userHash') });
    const badEmail = await Visitor.refused(t.url, {
      inbox: inbox.publicToken,
      identity: { userId: 'u-7', userHash: identityHash(inbox.secret, 'u-7'), email: 'grace@example.com', emailHash: identityHash(inbox.secret, 'mallory@example.com') },
    });
    expect(badEmail.code).toBe('invalid_identity');
    expect(await counts()).toEqual(before);
  });

  it('never gives a visitor an agent’s permissions', async () => {
    const v = await connect({ inbox: inbox.publicToken });
    await v.say('just a visitor');
    // The visitor token is no credential on the agents' namespace…
    const agentAttempt = io(t.url, { auth: { token: v.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const err = await new Promise<Error>((resolve) => agentAttempt.once('connect_error', resolve));
    agentAttempt.close();
    expect(err.message).toBe('unauthenticated');
    // …nor on the REST API, and /webhooks/webchat takes nothing.
    expect((await fetch(`${t.url}/api/conversations`, { headers: { authorization: `Bearer ${v.token}` } })).status).toBe(401);
    const hook = await fetch(`${t.url}/webhooks/webchat/${inbox.publicToken}`, { method: 'POST', headers: { 'x-switchboard-visitor': v.token }, body: JSON.stringify({ messages: [{ id: 'sneaky-001', text: 'hi' }] }) });
    expect(hook.status).toBe(404);
    // Another visitor's conversation never reaches this one.
    const other = await connect({ inbox: inbox.publicToken });
    const theirs = await other.say('private to the other visitor');
    const mine = await v.say('still me');
    // Live messages reach a visitor in commit order: theirs (committed first) would have arrived before mine.
    await v.message((m) => m.id === mine.id, 'my own message from the live feed');
    expect(v.messages.map((m) => m.id)).not.toContain(theirs.id);
  });

  let api: { publicToken: string } | undefined;
  async function apiInbox() {
    if (api) return api;
    const r = await admin.post('/api/inboxes', { kind: 'api', name: 'CRM', credentials: { secret: API_SECRET } });
    api = r.body as { publicToken: string };
    return api;
  }

  it('serves the widget config to allowed sites only, without secrets', async () => {
    const ok = await fetch(`${t.url}/widget/api/config?inbox=${inbox.publicToken}`, { headers: { origin: SITE } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    const config = (await ok.json()) as Record<string, unknown>;
    expect(config).toMatchObject({ inbox: inbox.publicToken, title: 'Chat with us', preChatForm: { enabled: false }, attachments: { enabled: true } });
    expect(JSON.stringify(config)).not.toContain(inbox.secret);
    expect(JSON.stringify(config)).not.toContain('allowedOrigins');
    expect((await fetch(`${t.url}/widget/api/config?inbox=${inbox.publicToken}`, { headers: { origin: 'https://evil.example' } })).status).toBe(403);
    expect((await fetch(`${t.url}/widget/api/config?inbox=nope`, { headers: { origin: SITE } })).status).toBe(404);
  });
});

describe.each(storageModes())('widget limits for anonymous visitors (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let agent: LiveClient;
  const open: Visitor[] = [];
  const connect = async (inbox: WebchatInbox, token?: string) => {
    const v = await Visitor.connect(t.url, { inbox: inbox.publicToken, ...(token ? { token } : {}) });
    open.push(v);
    return v;
  };
  const upload = (inbox: WebchatInbox, token: string | null, body: Uint8Array | string, type: string, name = 'file.bin') =>
    fetch(`${t.url}/widget/api/uploads?inbox=${inbox.publicToken}`, {
      method: 'POST',
      headers: { origin: SITE, 'content-type': type, 'x-filename': encodeURIComponent(name), ...(token ? { 'x-switchboard-visitor': token } : {}) },
      body,
    });

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const token = (await admin.post('/api/me/tokens', { name: 'live' })).body.token as string;
    agent = new LiveClient(t.url, { token });
    await agent.connect();
  });
  afterAll(async () => {
    for (const v of open) v.close();
    agent?.disconnect();
    await t?.stop();
  });

  it('limits messages per visitor (rate_limited with a retry time) and stores nothing over the limit', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { messagesPerMinute: 3 } }, 'Limited messages');
    const v = await connect(inbox);
    for (let i = 0; i < 3; i++) await v.say(`message ${i}`);
    const refused = await v.send({ text: 'one too many' });
    expect(refused).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.stringContaining('Too many messages'), retryAfterSeconds: expect.any(Number) } });
    if (!refused.ok) expect(refused.error.retryAfterSeconds).toBeGreaterThan(0);
    // Another visitor (other token) still gets through: the limit is per visitor.
    await (await connect(inbox)).say('another visitor');
    expect(await t.db.prisma.message.count({ where: { inboxId: inbox.id, text: 'one too many' } })).toBe(0);
  });

  it('limits messages per address across visitors', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { messagesPerMinute: 100, messagesPerMinutePerIp: 2 } }, 'Limited by address');
    await (await connect(inbox)).say('first');
    await (await connect(inbox)).say('second');
    const third = await (await connect(inbox)).send({ text: 'third' });
    expect(third.ok ? null : third.error.code).toBe('rate_limited');
  });

  it('limits new visitor sessions per address; a returning visitor is not a new session', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { sessionsPerHourPerIp: 2 } }, 'Limited sessions');
    const a = await connect(inbox);
    await connect(inbox);
    const refused = await Visitor.refused(t.url, { inbox: inbox.publicToken });
    expect(refused.code).toBe('rate_limited');
    const back = await connect(inbox, a.token);
    expect(back.session).not.toBeNull();
  });

  it('refuses over-long text and malformed messages without storing anything', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { maxTextLength: 50 } }, 'Short texts');
    const v = await connect(inbox);
    const long = await v.send({ text: 'x'.repeat(51) });
    expect(long.ok ? null : long.error.code).toBe('payload_too_large');
    const empty = await v.send({ text: '   ' });
    expect(empty.ok ? null : empty.error.code).toBe('validation_failed');
    const badId = await v.send({ text: 'hi', clientId: 'no!' });
    expect(badId.ok ? null : badId.error.code).toBe('validation_failed');
    expect(await t.db.prisma.message.count({ where: { inboxId: inbox.id } })).toBe(0);
    // A resend of the same client id is stored once.
    const once = await v.send({ text: 'exactly once', clientId: 'resend-0001' });
    const twice = await v.send({ text: 'exactly once', clientId: 'resend-0001' });
    expect(once.ok && twice.ok && once.message.id === twice.message.id).toBe(true);
    expect(await t.db.prisma.message.count({ where: { inboxId: inbox.id } })).toBe(1);
  });

  it('takes files within the inbox’s type and size limits; agents get them as attachments, the visitor by a signed link', async () => {
    const inbox = await createWebchatInbox(admin, { attachments: { maxBytes: 1024, types: ['image/*', 'text/plain'] }, limits: { uploadsPerHour: 3 } }, 'Files');
    const v = await connect(inbox);
    expect((await upload(inbox, null, 'hello', 'text/plain')).status).toBe(401);
    expect((await upload(inbox, v.token, 'x'.repeat(1025), 'text/plain')).status).toBe(413);
    expect((await upload(inbox, v.token, '%PDF-1.4', 'application/pdf', 'a.pdf')).status).toBe(400);
    const ok = await upload(inbox, v.token, 'the file body', 'text/plain', 'notes ü.txt');
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    const receipt = (await ok.json()) as { upload: string; name: string; size: number };
    expect(receipt).toMatchObject({ name: 'notes ü.txt', size: 13 });

    // Another visitor cannot attach this receipt.
    const thief = await connect(inbox);
    const stolen = await thief.send({ text: 'look', uploads: [receipt.upload] });
    expect(stolen.ok ? null : stolen.error.code).toBe('invalid_upload');

    const sent = await v.say('see attached', { uploads: [receipt.upload] });
    expect(sent.attachments).toHaveLength(1);
    const stored = await agent.waitFor((e) => e.type === 'message.created' && e.payload.message.id === sent.id);
    if (stored.type !== 'message.created') throw new Error('unexpected event');
    const [att] = stored.payload.message.attachments;
    const asAgent = await admin.get(`/api/attachments/${att!.id}`);
    expect(asAgent.status).toBe(200);
    expect(asAgent.body).toBe('the file body');
    const viaLink = await fetch(t.url + sent.attachments[0]!.path);
    expect(viaLink.status).toBe(200);
    expect(await viaLink.text()).toBe('the file body');
    expect((await fetch(t.url + sent.attachments[0]!.path.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(404);

    // The upload limit per visitor and hour (3; one upload above was accepted, two refused before counting).
    await upload(inbox, v.token, 'b', 'text/plain');
    await upload(inbox, v.token, 'c', 'text/plain');
    const over = await upload(inbox, v.token, 'd', 'text/plain');
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
