import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, setupAdmin } from './support/api.ts';
import { addUser, bearer, secondWorkspace, withoutCsrf } from './support/people.ts';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe.each(storageModes())('teams, labels and canned responses (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let lead: Awaited<ReturnType<typeof addUser>>;
  let agent: Awaited<ReturnType<typeof addUser>>;
  let other: ApiClient;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    lead = await addUser(admin, 'lead');
    agent = await addUser(admin, 'agent');
    other = await secondWorkspace(t.server.services, t.url);
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('teams', () => {
    it('leads create, rename and staff teams; everyone lists them', async () => {
      const created = await lead.client.post('/api/teams', { name: 'Billing', description: 'Money questions', memberIds: [agent.id] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'Billing', description: 'Money questions', memberIds: [agent.id] });
      const id = created.body.id;

      const list = await agent.client.get('/api/teams');
      expect(list.status).toBe(200);
      expect(list.body).toEqual([created.body]);
      expect((await agent.client.get(`/api/teams/${id}`)).body).toEqual(created.body);

      const renamed = await lead.client.patch(`/api/teams/${id}`, { name: 'Billing & Refunds', description: null });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Billing & Refunds', description: null });

      const members = await admin.put(`/api/teams/${id}/members`, { userIds: [lead.id, agent.id, lead.id] });
      expect(members.status).toBe(200);
      expect([...members.body.memberIds].sort()).toEqual([lead.id, agent.id].sort());
      expect((await admin.put(`/api/teams/${id}/members`, { userIds: [] })).body.memberIds).toEqual([]);
    });

    it('refuses duplicate names, unknown members and invalid input', async () => {
      const first = await admin.post('/api/teams', { name: 'Sales' });
      expect(first.status).toBe(201);
      const dup = await lead.client.post('/api/teams', { name: 'Sales' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('conflict');
      const second = await admin.post('/api/teams', { name: 'Presales' });
      expect((await admin.patch(`/api/teams/${second.body.id}`, { name: 'Sales' })).status).toBe(409);

      const unknown = await admin.put(`/api/teams/${first.body.id}/members`, { userIds: [MISSING] });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details.fieldErrors).toHaveProperty('userIds');
      const unknownOnCreate = await admin.post('/api/teams', { name: 'Ghosts', memberIds: [MISSING] });
      expect(unknownOnCreate.status).toBe(400);
      expect(unknownOnCreate.body.error.details.fieldErrors).toHaveProperty('memberIds');
      expect((await admin.get('/api/teams')).body.map((x: any) => x.name)).not.toContain('Ghosts');

      const invalid = await admin.post('/api/teams', { name: '', memberIds: ['nope'] });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.code).toBe('validation_failed');
      expect(Object.keys(invalid.body.error.details.fieldErrors).sort()).toEqual(['memberIds.0', 'name']);
      expect((await admin.put(`/api/teams/${first.body.id}/members`, {})).body.error.details.fieldErrors).toHaveProperty('userIds');
    });

    it('forbids agents to manage teams (403) and hides unknown teams (404)', async () => {
      const team = (await admin.post('/api/teams', { name: 'Support' })).body;
      const create = await agent.client.post('/api/teams', { name: 'Agents only' });
      expect(create.status).toBe(403);
      expect(create.body.error.code).toBe('forbidden');
      expect((await agent.client.patch(`/api/teams/${team.id}`, { name: 'Mine' })).status).toBe(403);
      expect((await agent.client.put(`/api/teams/${team.id}/members`, { userIds: [agent.id] })).status).toBe(403);
      expect((await agent.client.delete(`/api/teams/${team.id}`)).status).toBe(403);
      for (const r of [await admin.get(`/api/teams/${MISSING}`), await admin.patch(`/api/teams/${MISSING}`, { name: 'x' }), await admin.put(`/api/teams/${MISSING}/members`, { userIds: [] })]) {
        expect(r.status).toBe(404);
      }
    });

    it('deletes teams (lead)', async () => {
      const team = (await admin.post('/api/teams', { name: 'Temporary', memberIds: [agent.id] })).body;
      expect((await lead.client.delete(`/api/teams/${team.id}`)).status).toBe(204);
      expect((await lead.client.get(`/api/teams/${team.id}`)).status).toBe(404);
      expect((await lead.client.delete(`/api/teams/${team.id}`)).status).toBe(404);
    });
  });

  describe('labels', () => {
    it('leads manage labels; everyone lists them', async () => {
      const created = await lead.client.post('/api/labels', { name: 'vip', color: '#ff0000', description: 'Important customer' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'vip', color: '#ff0000', description: 'Important customer' });
      const plain = await admin.post('/api/labels', { name: 'bug' });
      expect(plain.body).toMatchObject({ name: 'bug', color: '#6b7280', description: null });

      const list = await agent.client.get('/api/labels');
      expect(list.status).toBe(200);
      expect(list.body.map((l: any) => l.name)).toEqual(['bug', 'vip']);

      const updated = await lead.client.patch(`/api/labels/${created.body.id}`, { name: 'VIP', color: '#00aa00' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ id: created.body.id, name: 'VIP', color: '#00aa00', description: 'Important customer' });

      expect((await lead.client.delete(`/api/labels/${plain.body.id}`)).status).toBe(204);
      expect((await lead.client.delete(`/api/labels/${plain.body.id}`)).status).toBe(404);
      expect((await admin.patch(`/api/labels/${plain.body.id}`, { name: 'gone' })).status).toBe(404);
    });

    it('validates, refuses duplicates and forbids agents', async () => {
      const bad = await admin.post('/api/labels', { name: '', color: 'red' });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.details.fieldErrors).sort()).toEqual(['color', 'name']);
      await admin.post('/api/labels', { name: 'urgent' });
      const dup = await admin.post('/api/labels', { name: 'urgent' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('conflict');
      const forbidden = await agent.client.post('/api/labels', { name: 'mine' });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('forbidden');
      const label = (await admin.get('/api/labels')).body[0];
      expect((await agent.client.patch(`/api/labels/${label.id}`, { color: '#000000' })).status).toBe(403);
      expect((await agent.client.delete(`/api/labels/${label.id}`)).status).toBe(403);
    });
  });

  describe('canned responses', () => {
    it('leads manage saved replies; everyone searches them', async () => {
      const created = await lead.client.post('/api/canned-responses', { shortCode: 'greet', content: 'Hello there, thanks for reaching out!' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ shortCode: 'greet', content: 'Hello there, thanks for reaching out!' });
      await admin.post('/api/canned-responses', { shortCode: 'bye', content: 'Have a nice day.' });

      const all = await agent.client.get('/api/canned-responses');
      expect(all.status).toBe(200);
      expect(all.body.map((c: any) => c.shortCode)).toEqual(['bye', 'greet']);
      const search = async (q: string) => (await agent.client.get(`/api/canned-responses?q=${encodeURIComponent(q)}`)).body.map((c: any) => c.shortCode);
      expect(await search('/GR')).toEqual(['greet']);
      expect(await search('NICE DAY')).toEqual(['bye']);
      expect(await search('nothing like this')).toEqual([]);

      const updated = await lead.client.patch(`/api/canned-responses/${created.body.id}`, { content: 'Hi! How can we help?' });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ shortCode: 'greet', content: 'Hi! How can we help?' });
      expect((await admin.delete(`/api/canned-responses/${created.body.id}`)).status).toBe(204);
      expect((await admin.delete(`/api/canned-responses/${created.body.id}`)).status).toBe(404);
      expect((await admin.patch(`/api/canned-responses/${created.body.id}`, { content: 'x' })).status).toBe(404);
    });

    it('validates, refuses duplicate short codes and forbids agents', async () => {
      const bad = await admin.post('/api/canned-responses', { shortCode: 'has space', content: '   ' });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body.error.details.fieldErrors).sort()).toEqual(['content', 'shortCode']);
      await admin.post('/api/canned-responses', { shortCode: 'refund', content: 'Your refund is on its way.' });
      const dup = await lead.client.post('/api/canned-responses', { shortCode: 'refund', content: 'Another one' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.details.fieldErrors).toHaveProperty('shortCode');
      expect((await agent.client.post('/api/canned-responses', { shortCode: 'mine', content: 'x' })).status).toBe(403);
    });
  });

  describe('authentication', () => {
    it('answers 401 without authentication', async () => {
      const anon = new ApiClient(t.url);
      for (const path of ['/api/teams', '/api/labels', '/api/canned-responses']) {
        const r = await anon.get(path);
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('unauthenticated');
        expect((await anon.post(path, { name: 'x', shortCode: 'x', content: 'x' })).status).toBe(401);
      }
    });

    it('needs the CSRF header for cookie writes but not for bearer tokens; revoked tokens fail', async () => {
      const noCsrf = withoutCsrf(lead.client);
      expect((await noCsrf.get('/api/labels')).status).toBe(200);
      for (const [path, body] of [['/api/teams', { name: 'CSRF' }], ['/api/labels', { name: 'csrf' }], ['/api/canned-responses', { shortCode: 'csrf', content: 'x' }]] as const) {
        const r = await noCsrf.post(path, body);
        expect(r.status).toBe(403);
        expect(r.body.error.code).toBe('csrf_failed');
      }
      const token = (await lead.client.post('/api/me/tokens', { name: 'automation' })).body;
      const api = bearer(t.url, token.token);
      expect((await api.post('/api/labels', { name: 'from-token' })).status).toBe(201);
      expect((await api.post('/api/canned-responses', { shortCode: 'tok', content: 'via token' })).status).toBe(201);
      expect((await api.post('/api/teams', { name: 'Token team' })).status).toBe(201);
      expect((await lead.client.delete(`/api/me/tokens/${token.id}`)).status).toBe(204);
      const revoked = await api.post('/api/labels', { name: 'after-revoke' });
      expect(revoked.status).toBe(401);
      expect((await admin.get('/api/labels')).body.map((l: any) => l.name)).not.toContain('after-revoke');
    });
  });

  describe('workspace isolation', () => {
    it("never shows or changes another workspace's teams, labels and canned responses", async () => {
      const team = (await admin.post('/api/teams', { name: 'Isolated' })).body;
      const label = (await admin.post('/api/labels', { name: 'isolated' })).body;
      const canned = (await admin.post('/api/canned-responses', { shortCode: 'isolated', content: 'secret text' })).body;

      expect((await other.get('/api/teams')).body).toEqual([]);
      expect((await other.get('/api/labels')).body).toEqual([]);
      expect((await other.get('/api/canned-responses?q=secret')).body).toEqual([]);
      expect((await other.get(`/api/teams/${team.id}`)).status).toBe(404);
      expect((await other.patch(`/api/teams/${team.id}`, { name: 'Stolen' })).status).toBe(404);
      expect((await other.put(`/api/teams/${team.id}/members`, { userIds: [] })).status).toBe(404);
      expect((await other.delete(`/api/teams/${team.id}`)).status).toBe(404);
      expect((await other.patch(`/api/labels/${label.id}`, { name: 'stolen' })).status).toBe(404);
      expect((await other.delete(`/api/labels/${label.id}`)).status).toBe(404);
      expect((await other.patch(`/api/canned-responses/${canned.id}`, { content: 'x' })).status).toBe(404);
      expect((await other.delete(`/api/canned-responses/${canned.id}`)).status).toBe(404);

      // Names are unique per workspace only, and members must belong to the workspace.
      const own = await other.post('/api/teams', { name: 'Isolated', memberIds: [agent.id] });
      expect(own.status).toBe(400);
      expect((await other.post('/api/teams', { name: 'Isolated' })).status).toBe(201);
      expect((await other.post('/api/labels', { name: 'isolated' })).status).toBe(201);
      expect((await other.post('/api/canned-responses', { shortCode: 'isolated', content: 'mine' })).status).toBe(201);

      expect((await admin.get(`/api/teams/${team.id}`)).body.name).toBe('Isolated');
      expect((await admin.get('/api/canned-responses?q=isolated')).body).toEqual([canned]);
    });
  });
});
