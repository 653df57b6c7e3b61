import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { addUser, bearer, secondWorkspace, withoutCsrf } from './support/people.ts';

const SECRET = 'contacts-test-secret-0123456789';
const MISSING = '00000000-0000-4000-8000-000000000000';

type Inbox = { id: string; publicToken: string };

describe.each(storageModes())('contacts (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let agent: Awaited<ReturnType<typeof addUser>>;
  let lead: Awaited<ReturnType<typeof addUser>>;
  let inboxA: Inbox;
  let inboxB: Inbox;
  // Xavier wrote to inbox A, Yolanda to inbox B, Zed to both (same email: one contact).
  const ids = { x: '', y: '', z: '' };
  let seq = 0;

  const send = async (inbox: Inbox, contact: Record<string, unknown>, text = 'Hello') => {
    const r = await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: `m-${++seq}`, contact, text }] });
    expect(r.status).toBe(200);
  };
  const names = (page: { items: Array<{ name: string | null }> }) => page.items.map((c) => c.name).sort();

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const inbox = async (name: string) => {
      const r = await admin.post('/api/inboxes', { kind: 'api', name, credentials: { secret: SECRET } });
      expect(r.status).toBe(201);
      return r.body as Inbox;
    };
    inboxA = await inbox('Shop A');
    inboxB = await inbox('Shop B');
    agent = await addUser(admin, 'agent');
    lead = await addUser(admin, 'lead');
    expect((await admin.put(`/api/inboxes/${inboxA.id}/members`, { userIds: [agent.id] })).status).toBe(200);

    await send(inboxA, { id: 'x', name: 'Xavier Ample', email: 'xavier@example.com', company: 'Initech' });
    await send(inboxB, { id: 'y', name: 'Yolanda Bee', phone: '+14155552671' });
    await send(inboxA, { id: 'z', name: 'Zed Both', email: 'zed@example.com' });
    await send(inboxB, { id: 'z', name: 'Zed Both', email: 'ZED@example.com' });
    const all = (await admin.get('/api/contacts?limit=100')).body.items as Array<{ id: string; name: string }>;
    for (const c of all) ids[c.name[0]!.toLowerCase() as 'x' | 'y' | 'z'] = c.id;
    expect(Object.values(ids).every(Boolean)).toBe(true);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('lists contacts with identities, newest first, in keyset pages', async () => {
    const all = await admin.get('/api/contacts');
    expect(all.status).toBe(200);
    expect(names(all.body)).toEqual(['Xavier Ample', 'Yolanda Bee', 'Zed Both']);
    expect(all.body.nextCursor).toBeNull();
    const xavier = all.body.items.find((c: any) => c.id === ids.x);
    expect(xavier).toMatchObject({ company: 'Initech', attributes: {} });
    expect(xavier.identities.map((i: any) => [i.kind, i.address])).toContainEqual(['email', 'xavier@example.com']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { status: number; body: any } = await admin.get(`/api/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...r.body.items.map((c: any) => c.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.body.items.map((c: any) => c.id));
  });

  it('searches name, company and normalized identity addresses, also across pages', async () => {
    const q = async (s: string, extra = '') => names((await admin.get(`/api/contacts?q=${encodeURIComponent(s)}${extra}`)).body);
    expect(await q('xavier')).toEqual(['Xavier Ample']);
    expect(await q('INITECH')).toEqual(['Xavier Ample']);
    expect(await q('ZED@EXAMPLE.COM')).toEqual(['Zed Both']);
    expect(await q('+1 (415) 555-2671')).toEqual(['Yolanda Bee']);
    expect(await q('nobody-like-this')).toEqual([]);

    const first = (await admin.get('/api/contacts?q=example.com&limit=1')).body;
    expect(first.items).toHaveLength(1);
    const second = (await admin.get(`/api/contacts?q=example.com&limit=1&cursor=${first.nextCursor}`)).body;
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([...names(first), ...names(second)].sort()).toEqual(['Xavier Ample', 'Zed Both']);
  });

  it('shows agents only contacts with a conversation in their inboxes', async () => {
    expect(names((await agent.client.get('/api/contacts')).body)).toEqual(['Xavier Ample', 'Zed Both']);
    expect(names((await agent.client.get('/api/contacts?q=Yolanda')).body)).toEqual([]);
    expect(names((await agent.client.get('/api/contacts?q=%2B14155552671')).body)).toEqual([]);
    expect((await agent.client.get(`/api/contacts/${ids.x}`)).status).toBe(200);
    for (const r of [
      await agent.client.get(`/api/contacts/${ids.y}`),
      await agent.client.patch(`/api/contacts/${ids.y}`, { name: 'Hidden' }),
      await agent.client.post(`/api/contacts/${ids.y}/identities`, { kind: 'email', address: 'y@example.com' }),
      await agent.client.get(`/api/contacts/${ids.y}/conversations`),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    const yIdentity = (await admin.get(`/api/contacts/${ids.y}`)).body.identities[0].id;
    expect((await agent.client.delete(`/api/contacts/${ids.y}/identities/${yIdentity}`)).status).toBe(404);
    // Leads see every contact.
    expect(names((await lead.client.get('/api/contacts')).body)).toEqual(['Xavier Ample', 'Yolanda Bee', 'Zed Both']);
    expect((await lead.client.get(`/api/contacts/${ids.y}`)).status).toBe(200);
  });

  it("lists a contact's conversations across channels, limited to visible inboxes", async () => {
    const all = await admin.get(`/api/contacts/${ids.z}/conversations`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((c: any) => c.inboxId).sort()).toEqual([inboxA.id, inboxB.id].sort());
    expect(all.body.items.every((c: any) => c.contact.id === ids.z)).toBe(true);
    const paged = (await admin.get(`/api/contacts/${ids.z}/conversations?limit=1`)).body;
    expect(paged.items).toHaveLength(1);
    expect((await admin.get(`/api/contacts/${ids.z}/conversations?limit=1&cursor=${paged.nextCursor}`)).body.items[0].id).not.toBe(paged.items[0].id);

    const mine = await agent.client.get(`/api/contacts/${ids.z}/conversations`);
    expect(mine.body.items.map((c: any) => c.inboxId)).toEqual([inboxA.id]);
    expect((await admin.get(`/api/contacts/${MISSING}/conversations`)).status).toBe(404);
  });

  it('updates name, company and attributes', async () => {
    const r = await agent.client.patch(`/api/contacts/${ids.x}`, { name: 'Xavier A.', company: null, attributes: { plan: 'pro', seats: 3 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids.x, name: 'Xavier A.', company: null, attributes: { plan: 'pro', seats: 3 } });
    const replaced = await admin.patch(`/api/contacts/${ids.x}`, { attributes: { plan: 'enterprise' } });
    expect(replaced.body.attributes).toEqual({ plan: 'enterprise' });
    expect(replaced.body.name).toBe('Xavier A.');
    expect((await admin.get(`/api/contacts/${ids.x}`)).body.attributes).toEqual({ plan: 'enterprise' });
    // Most recently updated first.
    expect((await admin.get('/api/contacts')).body.items[0].id).toBe(ids.x);
  });

  it('rejects invalid input with field errors', async () => {
    const bad = await admin.patch(`/api/contacts/${ids.x}`, { name: '', attributes: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(Object.keys(bad.body.error.details.fieldErrors).sort()).toEqual(['attributes', 'name']);
    const huge = await admin.patch(`/api/contacts/${ids.x}`, { attributes: { blob: 'x'.repeat(20_000) } });
    expect(huge.status).toBe(400);
    expect((await admin.get('/api/contacts?limit=0')).body.error.details.fieldErrors).toHaveProperty('limit');
    expect((await admin.get('/api/contacts?cursor=garbage')).body.error.details.fieldErrors).toHaveProperty('cursor');
    expect((await admin.get('/api/contacts/not-a-uuid')).status).toBe(400);
    expect((await admin.get(`/api/contacts/${MISSING}`)).status).toBe(404);
  });

  it('adds normalized identities, idempotently, and refuses ones of another contact', async () => {
    const email = await agent.client.post(`/api/contacts/${ids.x}/identities`, { kind: 'email', address: '  Xavier.Alt@Example.COM ' });
    expect(email.status).toBe(201);
    expect(email.body.identities).toContainEqual(expect.objectContaining({ kind: 'email', address: 'xavier.alt@example.com', verified: false }));
    const again = await agent.client.post(`/api/contacts/${ids.x}/identities`, { kind: 'email', address: 'XAVIER.ALT@example.com' });
    expect(again.status).toBe(200);
    expect(again.body.identities.filter((i: any) => i.address === 'xavier.alt@example.com')).toHaveLength(1);

    const phone = await admin.post(`/api/contacts/${ids.x}/identities`, { kind: 'phone', address: '+44 20 7946 0958' });
    expect(phone.status).toBe(201);
    expect(phone.body.identities.map((i: any) => i.address)).toContain('+442079460958');

    const taken = await admin.post(`/api/contacts/${ids.x}/identities`, { kind: 'email', address: 'Zed@Example.com' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('conflict');
    const takenPhone = await admin.post(`/api/contacts/${ids.x}/identities`, { kind: 'phone', address: '+1 415 555 2671' });
    expect(takenPhone.status).toBe(409);

    for (const body of [{ kind: 'email', address: 'not an email' }, { kind: 'phone', address: '12345' }, { kind: 'phone', address: '0151 2345678' }]) {
      const r = await admin.post(`/api/contacts/${ids.x}/identities`, body);
      expect(r.status).toBe(400);
      expect(r.body.error.details.fieldErrors).toHaveProperty('address');
    }
    const kind = await admin.post(`/api/contacts/${ids.x}/identities`, { kind: 'fax', address: '123' });
    expect(kind.status).toBe(400);
    expect(kind.body.error.details.fieldErrors).toHaveProperty('kind');

    // The next message from the added address lands on the same contact.
    await send(inboxA, { email: 'xavier.alt@example.com', name: 'Someone' }, 'From my other address');
    const convs = (await admin.get(`/api/contacts/${ids.x}/conversations`)).body.items;
    expect(convs.some((c: any) => c.lastMessagePreview === 'From my other address')).toBe(true);
  });

  it('deletes identities', async () => {
    const contact = (await admin.post(`/api/contacts/${ids.z}/identities`, { kind: 'telegram', address: '  424242 ' })).body;
    const identity = contact.identities.find((i: any) => i.kind === 'telegram');
    expect(identity.address).toBe('424242');
    expect((await admin.delete(`/api/contacts/${ids.x}/identities/${identity.id}`)).status).toBe(404);
    expect((await agent.client.delete(`/api/contacts/${ids.z}/identities/${identity.id}`)).status).toBe(204);
    expect((await admin.get(`/api/contacts/${ids.z}`)).body.identities.map((i: any) => i.id)).not.toContain(identity.id);
    expect((await admin.delete(`/api/contacts/${ids.z}/identities/${identity.id}`)).status).toBe(404);
  });

  it('authenticates: 401 without auth, 403 without CSRF, bearer tokens without CSRF, revoked tokens fail', async () => {
    const anon = new ApiClient(t.url);
    expect((await anon.get('/api/contacts')).status).toBe(401);
    expect((await anon.patch(`/api/contacts/${ids.x}`, { name: 'x' })).status).toBe(401);
    const noCsrf = await withoutCsrf(agent.client).patch(`/api/contacts/${ids.x}`, { name: 'No CSRF' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_failed');
    expect((await withoutCsrf(agent.client).get(`/api/contacts/${ids.x}`)).status).toBe(200);

    const token = (await agent.client.post('/api/me/tokens', { name: 'crm' })).body;
    const api = bearer(t.url, token.token);
    const r = await api.patch(`/api/contacts/${ids.x}`, { company: 'Via Token Inc' });
    expect(r.status).toBe(200);
    expect(r.body.company).toBe('Via Token Inc');
    // The token acts as the agent: the same visibility rule applies.
    expect((await api.get(`/api/contacts/${ids.y}`)).status).toBe(404);
    expect((await agent.client.delete(`/api/me/tokens/${token.id}`)).status).toBe(204);
    expect((await api.get('/api/contacts')).status).toBe(401);
  });

  it('an agent loses sight of a contact when removed from the inbox', async () => {
    expect((await admin.put(`/api/inboxes/${inboxA.id}/members`, { userIds: [] })).status).toBe(200);
    expect((await agent.client.get('/api/contacts')).body.items).toEqual([]);
    expect((await agent.client.get(`/api/contacts/${ids.x}`)).status).toBe(404);
    expect((await admin.put(`/api/inboxes/${inboxA.id}/members`, { userIds: [agent.id] })).status).toBe(200);
    expect((await agent.client.get(`/api/contacts/${ids.x}`)).status).toBe(200);
  });

  it("never shows or changes another workspace's contacts", async () => {
    const other = await secondWorkspace(t.server.services, t.url);
    expect((await other.get('/api/contacts')).body).toEqual({ items: [], nextCursor: null });
    expect((await other.get('/api/contacts?q=xavier')).body.items).toEqual([]);
    const identity = (await admin.get(`/api/contacts/${ids.x}`)).body.identities[0].id;
    for (const r of [
      await other.get(`/api/contacts/${ids.x}`),
      await other.patch(`/api/contacts/${ids.x}`, { name: 'Stolen' }),
      await other.post(`/api/contacts/${ids.x}/identities`, { kind: 'email', address: 'thief@example.com' }),
      await other.delete(`/api/contacts/${ids.x}/identities/${identity}`),
      await other.get(`/api/contacts/${ids.x}/conversations`),
    ]) {
      expect(r.status).toBe(404);
    }
    expect((await admin.get(`/api/contacts/${ids.x}`)).body.identities.map((i: any) => i.id)).toContain(identity);
  });
});
