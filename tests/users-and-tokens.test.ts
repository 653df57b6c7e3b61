import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ADMIN, ApiClient, setupAdmin } from './support/api.ts';
import { addUser, bearer, PASSWORD, secondWorkspace, withoutCsrf } from './support/people.ts';

describe.each(storageModes())('users and API tokens (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let adminId: string;
  let workspaceId: string;
  const accessChanges: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const me = (await admin.get('/api/me')).body;
    adminId = me.id;
    workspaceId = me.workspaceId;
    t.server.services.access.on((ws) => accessChanges.push(ws));
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('users', () => {
    it('lets every colleague list the workspace users (no secrets)', async () => {
      const agent = await addUser(admin, 'agent', { name: 'Agnes Agent' });
      const r = await agent.client.get('/api/users');
      expect(r.status).toBe(200);
      const ada = r.body.find((u: any) => u.id === adminId);
      expect(ada).toEqual({ id: adminId, name: ADMIN.name, email: ADMIN.email, role: 'admin', availability: 'offline', disabled: false });
      expect(r.body.find((u: any) => u.id === agent.id)).toMatchObject({ name: 'Agnes Agent', role: 'agent' });
      expect(JSON.stringify(r.body)).not.toMatch(/password|hash/i);
      expect((await agent.client.get(`/api/users/${adminId}`)).body).toMatchObject({ id: adminId, workspaceId, role: 'admin', disabled: false });
    });

    it('creates users (admin) with a lower-cased, globally unique email', async () => {
      const r = await admin.post('/api/users', { name: 'Lee Lead', email: 'Lee.Lead@Example.TEST', role: 'lead', password: PASSWORD });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ name: 'Lee Lead', email: 'lee.lead@example.test', role: 'lead', workspaceId, disabled: false });
      const lead = await new ApiClient(t.url).login('lee.lead@example.test', PASSWORD);
      expect((await lead.get('/api/me')).body.id).toBe(r.body.id);

      const again = await admin.post('/api/users', { name: 'Dup', email: 'LEE.LEAD@example.test', role: 'agent', password: PASSWORD });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      // Emails are unique across workspaces too (login needs no workspace picker).
      const dupAdmin = await admin.post('/api/users', { name: 'Dup', email: ADMIN.email, role: 'agent', password: PASSWORD });
      expect(dupAdmin.status).toBe(409);
    });

    it('rejects invalid input with field errors', async () => {
      const r = await admin.post('/api/users', { name: '  ', email: 'not-an-email', role: 'boss', password: 'short' });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(Object.keys(r.body.error.details.fieldErrors).sort()).toEqual(['email', 'name', 'password', 'role']);
      const bad = await admin.patch(`/api/users/${adminId}`, { availability: 'away', locale: 'not a locale!' });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.details.fieldErrors).sort()).toEqual(['availability', 'locale']);
      expect((await admin.get('/api/users/not-a-uuid')).status).toBe(400);
    });

    it('answers 401 without authentication', async () => {
      const anon = new ApiClient(t.url);
      expect((await anon.get('/api/users')).status).toBe(401);
      const r = await anon.post('/api/users', { name: 'X', email: 'x@example.test', role: 'agent', password: PASSWORD });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('unauthenticated');
      expect((await bearer(t.url, 'sb_not-a-real-token').get('/api/users')).status).toBe(401);
    });

    it('forbids non-admins to create users or change roles, names of others and accounts', async () => {
      const agent = await addUser(admin, 'agent');
      const create = await agent.client.post('/api/users', { name: 'X', email: 'x2@example.test', role: 'admin', password: PASSWORD });
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe('forbidden');
      expect((await agent.client.patch(`/api/users/${agent.id}`, { role: 'admin' })).status).toBe(403);
      expect((await agent.client.patch(`/api/users/${agent.id}`, { disabled: true })).status).toBe(403);
      expect((await agent.client.patch(`/api/users/${adminId}`, { name: 'Hacked' })).status).toBe(403);
      // Admins manage accounts, not other people's presence or passwords.
      expect((await admin.patch(`/api/users/${agent.id}`, { availability: 'busy' })).status).toBe(403);
      expect((await admin.patch(`/api/users/${agent.id}`, { password: 'brand new password', currentPassword: PASSWORD })).status).toBe(403);
      const renamed = await admin.patch(`/api/users/${agent.id}`, { name: 'Renamed By Admin' });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe('Renamed By Admin');
      expect((await admin.patch('/api/users/00000000-0000-4000-8000-000000000000', { name: 'Nobody' })).status).toBe(404);
    });

    it('lets users change their own name, availability, locale and password', async () => {
      const agent = await addUser(admin, 'agent');
      const r = await agent.client.patch(`/api/users/${agent.id}`, { name: 'Self Named', availability: 'busy', locale: 'de-CH' });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ name: 'Self Named', availability: 'busy', locale: 'de-CH' });
      expect((await agent.client.patch(`/api/users/${agent.id}`, { locale: null })).body.locale).toBeNull();

      const missing = await agent.client.patch(`/api/users/${agent.id}`, { password: 'a brand new password' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details.fieldErrors).toHaveProperty('currentPassword');
      const wrong = await agent.client.patch(`/api/users/${agent.id}`, { password: 'a brand new password', currentPassword: 'wrong password!' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details.fieldErrors.currentPassword).toEqual(['Wrong password']);
      const short = await agent.client.patch(`/api/users/${agent.id}`, { password: 'short', currentPassword: PASSWORD });
      expect(short.status).toBe(400);
      expect(short.body.error.details.fieldErrors).toHaveProperty('password');

      const otherSession = await new ApiClient(t.url).login(agent.email, PASSWORD);
      const ok = await agent.client.patch(`/api/users/${agent.id}`, { password: 'a brand new password', currentPassword: PASSWORD });
      expect(ok.status).toBe(200);
      // The session that changed it stays; every other session of the user ends.
      expect((await agent.client.get('/api/me')).status).toBe(200);
      expect((await otherSession.get('/api/me')).status).toBe(401);
      expect((await new ApiClient(t.url).post('/api/session', { email: agent.email, password: PASSWORD })).status).toBe(401);
      await new ApiClient(t.url).login(agent.email, 'a brand new password');
    });

    it('changes roles and disables accounts (sessions and tokens stop working), signalling access changes', async () => {
      const agent = await addUser(admin, 'agent');
      const token = (await agent.client.post('/api/me/tokens', { name: 'script' })).body.token as string;
      accessChanges.length = 0;

      const promoted = await admin.patch(`/api/users/${agent.id}`, { role: 'lead' });
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('lead');
      expect(accessChanges).toEqual([workspaceId]);
      expect((await agent.client.get('/api/me')).body.role).toBe('lead');

      const disabled = await admin.patch(`/api/users/${agent.id}`, { disabled: true });
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      expect(accessChanges).toEqual([workspaceId, workspaceId]);
      expect((await agent.client.get('/api/me')).status).toBe(401);
      expect((await bearer(t.url, token).get('/api/me')).status).toBe(401);
      const login = await new ApiClient(t.url).post('/api/session', { email: agent.email, password: PASSWORD });
      expect(login.status).toBe(401);
      expect((await admin.get('/api/users')).body.find((u: any) => u.id === agent.id).disabled).toBe(true);

      const enabled = await admin.patch(`/api/users/${agent.id}`, { disabled: false });
      expect(enabled.body.disabled).toBe(false);
      expect((await bearer(t.url, token).get('/api/me')).status).toBe(200);
      await new ApiClient(t.url).login(agent.email, PASSWORD);
    });

    it('never demotes or disables the last enabled admin', async () => {
      const second = await addUser(admin, 'admin', { login: false });
      expect((await admin.patch(`/api/users/${second.id}`, { role: 'agent' })).status).toBe(200);
      for (const patch of [{ role: 'lead' }, { disabled: true }]) {
        const r = await admin.patch(`/api/users/${adminId}`, patch);
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('conflict');
      }
      expect((await admin.patch(`/api/users/${second.id}`, { role: 'admin' })).status).toBe(200);
      expect((await admin.patch(`/api/users/${second.id}`, { disabled: true })).status).toBe(200);
      // A disabled admin does not count.
      expect((await admin.patch(`/api/users/${adminId}`, { role: 'agent' })).status).toBe(409);
      expect((await admin.patch(`/api/users/${second.id}`, { disabled: false })).status).toBe(200);
      // Concurrent demotions of the only two admins: exactly one wins.
      const system = { kind: 'system' as const, workspaceId };
      const users = t.server.services.users;
      const results = await Promise.allSettled([users.update(system, adminId, { role: 'lead' }), users.update(system, second.id, { role: 'lead' })]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('conflict');
      const admins = (await admin.get('/api/users')).body.filter((u: any) => u.role === 'admin' && !u.disabled);
      expect(admins).toHaveLength(1);
      // Put things back: the first admin is admin again for the other tests.
      await users.update(system, adminId, { role: 'admin' });
      // Two admins demoting each other at once: the workspace keeps one (the loser gets 403 or 409).
      await users.update(system, second.id, { role: 'admin' });
      const secondClient = await new ApiClient(t.url).login(second.email, PASSWORD); // disabling ended their sessions
      const crossed = await Promise.all([
        admin.patch(`/api/users/${second.id}`, { role: 'agent' }),
        secondClient.patch(`/api/users/${adminId}`, { role: 'agent' }),
      ]);
      expect(crossed.filter((r) => r.status === 200)).toHaveLength(1);
      expect(crossed.map((r) => r.status).every((s) => s === 200 || s === 403 || s === 409)).toBe(true);
      expect((await admin.get('/api/users')).body.filter((u: any) => u.role === 'admin' && !u.disabled)).toHaveLength(1);
      await users.update(system, adminId, { role: 'admin' });
      await users.update(system, second.id, { disabled: true });
    });

    it('requires the CSRF header for cookie-authenticated writes', async () => {
      const noCsrf = withoutCsrf(admin);
      expect((await noCsrf.get('/api/users')).status).toBe(200);
      const r = await noCsrf.post('/api/users', { name: 'X', email: 'csrf@example.test', role: 'agent', password: PASSWORD });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('csrf_failed');
      expect((await noCsrf.patch(`/api/users/${adminId}`, { availability: 'online' })).body.error.code).toBe('csrf_failed');
    });
  });

  describe('API tokens', () => {
    it('creates a token shown once, lists it without the secret, and authenticates writes without CSRF', async () => {
      const created = await admin.post('/api/me/tokens', { name: 'CI' });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^sb_[A-Za-z0-9_-]{20,}$/);
      expect(created.body).toMatchObject({ name: 'CI', prefix: created.body.token.slice(0, 10) });

      const list = await admin.get('/api/me/tokens');
      expect(list.status).toBe(200);
      const listed = list.body.find((x: any) => x.id === created.body.id);
      expect(listed).toMatchObject({ name: 'CI', prefix: created.body.prefix, lastUsedAt: null });
      expect(JSON.stringify(list.body)).not.toContain(created.body.token);

      const api = bearer(t.url, created.body.token);
      expect((await api.get('/api/me')).body.id).toBe(adminId);
      const write = await api.patch(`/api/users/${adminId}`, { name: 'Ada via token' });
      expect(write.status).toBe(200);
      expect(write.body.name).toBe('Ada via token');
      expect((await admin.get('/api/me/tokens')).body.find((x: any) => x.id === created.body.id).lastUsedAt).not.toBeNull();
    });

    it('revokes tokens: they stop working at once', async () => {
      const created = (await admin.post('/api/me/tokens', { name: 'temporary' })).body;
      const api = bearer(t.url, created.token);
      expect((await api.get('/api/me')).status).toBe(200);
      expect((await admin.delete(`/api/me/tokens/${created.id}`)).status).toBe(204);
      const after = await api.get('/api/me');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('unauthenticated');
      expect((await admin.get('/api/me/tokens')).body.map((x: any) => x.id)).not.toContain(created.id);
      expect((await admin.delete(`/api/me/tokens/${created.id}`)).status).toBe(404);
    });

    it("validates input and never touches another user's tokens", async () => {
      const bad = await admin.post('/api/me/tokens', { name: '' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fieldErrors).toHaveProperty('name');
      expect((await new ApiClient(t.url).get('/api/me/tokens')).status).toBe(401);
      expect((await withoutCsrf(admin).post('/api/me/tokens', { name: 'x' })).body.error.code).toBe('csrf_failed');

      const agent = await addUser(admin, 'agent');
      const theirs = (await agent.client.post('/api/me/tokens', { name: 'mine' })).body;
      expect((await admin.get('/api/me/tokens')).body.map((x: any) => x.id)).not.toContain(theirs.id);
      expect((await admin.delete(`/api/me/tokens/${theirs.id}`)).status).toBe(404);
      expect((await bearer(t.url, theirs.token).get('/api/me')).status).toBe(200);
    });
  });

  describe('workspace isolation', () => {
    it('hides users and tokens of another workspace', async () => {
      const other = await secondWorkspace(t.server.services, t.url);
      const users = (await other.get('/api/users')).body;
      expect(users).toHaveLength(1);
      expect(users[0].email).not.toBe(ADMIN.email);
      expect((await other.get(`/api/users/${adminId}`)).status).toBe(404);
      expect((await other.patch(`/api/users/${adminId}`, { name: 'Stolen' })).status).toBe(404);
      expect((await other.patch(`/api/users/${adminId}`, { disabled: true })).status).toBe(404);
      const mine = (await admin.post('/api/me/tokens', { name: 'A only' })).body;
      expect((await other.delete(`/api/me/tokens/${mine.id}`)).status).toBe(404);
      expect((await bearer(t.url, mine.token).get('/api/me')).status).toBe(200);
      // A token acts in its own workspace only.
      const otherToken = (await other.post('/api/me/tokens', { name: 'B' })).body.token;
      expect((await bearer(t.url, otherToken).get(`/api/users/${adminId}`)).status).toBe(404);
    });
  });
});
