// GET /api/conversations beyond one page: keyset paging, sort=waiting, q= search (all access-respecting),
// and POST /api/conversations/bulk (validation, all-or-nothing access, events like the single PATCH).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import type { ConversationDto } from '@switchboard/server/contracts';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { addUser } from './support/people.ts';
import { RecordingClient } from './support/realtime.ts';
import { startTestServer, type TestServer } from './support/server.ts';

const SECRET = 'list-secret-0123456789abcdef';
const MISSING = '00000000-0000-4000-8000-000000000000';

type Inbox = { id: string; publicToken: string };
type Customer = { id: string; name: string; email?: string; phone?: string };

describe.each(storageModes())('the conversation list and bulk changes (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let agent: Awaited<ReturnType<typeof addUser>>;
  let shop: Inbox;
  let board: Inbox;
  let n = 0;

  /** One inbound message; returns its conversation. `at` sets the message time (and so waitingSince). */
  async function inbound(inbox: Inbox, who: Customer, text: string, extra: { subject?: string; at?: string } = {}): Promise<ConversationDto> {
    const id = `m-${++n}`;
    const message = { id, contact: who, text, ...(extra.subject ? { subject: extra.subject } : {}), ...(extra.at ? { timestamp: extra.at } : {}) };
    const r = await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [message] });
    expect(r.status).toBe(200);
    const list = await admin.get(`/api/conversations?limit=100&status=open,pending,snoozed,resolved`);
    return (list.body.items as ConversationDto[]).find((c) => c.contact.name === who.name)!;
  }
  const ids = (body: { items: ConversationDto[] }) => body.items.map((c) => c.id);
  const search = async (client: ApiClient, q: string) => {
    const r = await client.get(`/api/conversations?limit=50&status=open,resolved&q=${encodeURIComponent(q)}`);
    expect(r.status).toBe(200);
    return (r.body.items as ConversationDto[]).map((c) => c.contact.name);
  };

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    agent = await addUser(admin, 'agent', { name: 'Agnes Agent' });
    shop = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET }, memberIds: [agent.id] })).body;
    board = (await admin.post('/api/inboxes', { kind: 'api', name: 'Board', credentials: { secret: SECRET } })).body;
    expect((await admin.post('/api/labels', { name: 'vip', color: '#c0392b' })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('pages through a long list with the keyset cursor: every conversation once, newest activity first', async () => {
    for (let i = 0; i < 7; i++) await inbound(shop, { id: `page-${i}`, name: `Pager ${i}` }, `page message ${i}`, { at: `2026-01-01T10:0${i}:00Z` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { status: number; body: any } = await agent.client.get(`/api/conversations?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.body.total).toBe(7);
      seen.push(...(r.body.items as ConversationDto[]).map((c) => c.contact.name!));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `Pager ${i}`));
    // total=false skips the count, the page stays the same.
    const first = (await agent.client.get('/api/conversations?limit=3')).body;
    const uncounted = await agent.client.get('/api/conversations?limit=3&total=false');
    expect(uncounted.status).toBe(200);
    expect(uncounted.body).toEqual({ ...first, total: null });
    expect((await agent.client.get(`/api/conversations?limit=3&cursor=${first.nextCursor}&total=false`)).body.total).toBeNull();
    expect((await agent.client.get('/api/conversations?total=maybe')).status).toBe(400);
  });

  it('sort=waiting: waiting customers first, the longest waiting on top, then the rest by activity; pages across both', async () => {
    // Pager 0..6 wait since 10:00..10:06. An agent answers Pager 1 and Pager 4: they wait no more.
    const all = (await admin.get('/api/conversations?limit=100')).body.items as ConversationDto[];
    const byName = (name: string) => all.find((c) => c.contact.name === name)!;
    for (const name of ['Pager 1', 'Pager 4']) expect((await admin.post(`/api/conversations/${byName(name).id}/messages`, { text: 'On it' })).status).toBe(201);
    const expected = ['Pager 0', 'Pager 2', 'Pager 3', 'Pager 5', 'Pager 6', 'Pager 4', 'Pager 1'];

    const one = await agent.client.get('/api/conversations?limit=100&sort=waiting');
    expect(one.body.items.map((c: ConversationDto) => c.contact.name)).toEqual(expected);
    expect(one.body.items.slice(0, 5).every((c: ConversationDto) => c.waitingSince)).toBe(true);
    expect(one.body.items.slice(5).every((c: ConversationDto) => c.waitingSince === null)).toBe(true);

    for (const limit of [2, 5]) {
      const names: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { status: number; body: any } = await agent.client.get(`/api/conversations?limit=${limit}&sort=waiting${cursor ? `&cursor=${cursor}` : ''}`);
        expect(r.status).toBe(200);
        names.push(...r.body.items.map((c: ConversationDto) => c.contact.name));
        cursor = r.body.nextCursor;
      } while (cursor);
      expect(names).toEqual(expected);
    }

    // A cursor continues only the order it came from.
    const activityCursor = (await agent.client.get('/api/conversations?limit=2')).body.nextCursor;
    const waitingCursor = (await agent.client.get('/api/conversations?limit=2&sort=waiting')).body.nextCursor;
    expect((await agent.client.get(`/api/conversations?sort=waiting&cursor=${activityCursor}`)).status).toBe(400);
    expect((await agent.client.get(`/api/conversations?cursor=${waitingCursor}`)).status).toBe(400);
    expect((await agent.client.get('/api/conversations?sort=oldest')).status).toBe(400);
  });

  it('q= finds conversations by contact name, email, phone, subject and message text, only where the caller may look', async () => {
    await inbound(shop, { id: 'anna', name: 'Anna Berg', email: 'anna.berg@example.org' }, 'Hello there');
    await inbound(shop, { id: 'bodo', name: 'Bodo Brandt', phone: '+4915112345678' }, 'My parcel never arrived', { subject: 'Lieferung verspätet' });
    await inbound(shop, { id: 'cora', name: 'Cora Clausen', email: 'cora@example.net' }, 'Invoice 4711 is wrong');
    await inbound(board, { id: 'dora', name: 'Dora Direktor', email: 'dora@example.org' }, 'Invoice for the board');

    expect(await search(agent.client, 'anna.berg@example.org')).toEqual(['Anna Berg']);
    expect(await search(agent.client, 'anna.berg')).toEqual(['Anna Berg']);
    expect((await search(admin, 'example.org')).sort()).toEqual(['Anna Berg', 'Dora Direktor']);
    expect(await search(agent.client, 'example.org')).toEqual(['Anna Berg']);
    expect(await search(agent.client, 'brandt')).toEqual(['Bodo Brandt']);
    expect(await search(agent.client, '+49151123')).toEqual(['Bodo Brandt']);
    expect(await search(agent.client, 'verspätet')).toEqual(['Bodo Brandt']);
    expect(await search(agent.client, 'parcel arriv')).toEqual(['Bodo Brandt']);
    expect(await search(agent.client, 'parcel invoice')).toEqual([]);
    expect(await search(agent.client, 'INVOICE')).toEqual(['Cora Clausen']);
    expect((await search(admin, 'invoice')).sort()).toEqual(['Cora Clausen', 'Dora Direktor']);
    expect(await search(agent.client, 'direktor')).toEqual([]);
    expect(await search(agent.client, '%')).toEqual([]);

    // Notes are found too; activity lines ("… changed the status …") are not.
    const cora = (await admin.get(`/api/conversations?q=cora`)).body.items[0] as ConversationDto;
    expect((await admin.post(`/api/conversations/${cora.id}/notes`, { text: 'Refund approved by finance' })).status).toBe(201);
    expect(await search(agent.client, 'refund')).toEqual(['Cora Clausen']);
    expect((await admin.patch(`/api/conversations/${cora.id}`, { status: 'pending' })).status).toBe(200);
    expect(await search(admin, 'changed status')).toEqual([]);

    // Search combines with the other filters and the count.
    const pending = await agent.client.get('/api/conversations?status=pending&q=invoice');
    expect(pending.body).toMatchObject({ total: 1, items: [{ id: cora.id }] });
    expect((await agent.client.get('/api/conversations?status=open&q=invoice')).body).toMatchObject({ total: 0, items: [] });
    expect((await agent.client.get(`/api/conversations?q=${'x'.repeat(201)}`)).status).toBe(400);
  });

  describe('POST /api/conversations/bulk', () => {
    let mine: ConversationDto[];
    let foreign: ConversationDto;

    beforeAll(async () => {
      mine = [];
      for (const name of ['Ulla Bulk', 'Veit Bulk', 'Wera Bulk']) mine.push(await inbound(shop, { id: name, name }, `bulk ${name}`));
      foreign = await inbound(board, { id: 'xaver', name: 'Xaver Board' }, 'board bulk');
    });

    it('refuses bad input with 400 and changes nothing', async () => {
      const cases: unknown[] = [
        {},
        { ids: [], action: { type: 'status', status: 'resolved' } },
        { ids: Array.from({ length: 101 }, () => mine[0]!.id), action: { type: 'status', status: 'resolved' } },
        { ids: ['not-a-uuid'], action: { type: 'status', status: 'resolved' } },
        { ids: [mine[0]!.id], action: { type: 'explode' } },
        { ids: [mine[0]!.id], action: { type: 'status', status: 'gone' } },
        { ids: [mine[0]!.id], action: { type: 'addLabels', labels: [] } },
        { ids: [mine[0]!.id], action: { type: 'assign' } },
      ];
      for (const body of cases) {
        const r = await admin.post('/api/conversations/bulk', body);
        expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(r.body.error.code).toBe('validation_failed');
      }
      // Valid shape, refused by the domain for one of them: none changes.
      const unknownLabel = await admin.post('/api/conversations/bulk', { ids: mine.map((c) => c.id), action: { type: 'addLabels', labels: ['vip', 'nope'] } });
      expect(unknownLabel.status).toBe(400);
      const snoozePast = await admin.post('/api/conversations/bulk', { ids: mine.map((c) => c.id), action: { type: 'status', status: 'snoozed', snoozedUntil: '2020-01-01T00:00:00Z' } });
      expect(snoozePast.status).toBe(400);
      const outsider = await addUser(admin, 'agent', { login: false });
      const notMember = await admin.post('/api/conversations/bulk', { ids: mine.map((c) => c.id), action: { type: 'assign', assigneeId: outsider.id } });
      expect(notMember.status).toBe(400);
      for (const c of mine) expect((await admin.get(`/api/conversations/${c.id}`)).body).toMatchObject({ status: 'open', labels: [], assigneeId: null });
    });

    it("an agent cannot touch conversations of inboxes they can't see: 404 for the whole request, nothing changed", async () => {
      const r = await agent.client.post('/api/conversations/bulk', { ids: [mine[0]!.id, foreign.id, MISSING], action: { type: 'status', status: 'resolved' } });
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('not_found');
      expect([...r.body.error.details.ids].sort()).toEqual([foreign.id, MISSING].sort());
      expect((await admin.get(`/api/conversations/${mine[0]!.id}`)).body.status).toBe('open');
      expect((await admin.get(`/api/conversations/${foreign.id}`)).body.status).toBe('open');
      // Teams are a lead's business.
      const team = (await admin.post('/api/teams', { name: 'Bulk team' })).body;
      const asAgent = await agent.client.post('/api/conversations/bulk', { ids: [mine[0]!.id], action: { type: 'team', teamId: team.id } });
      expect(asAgent.status).toBe(403);
      const asAdmin = await admin.post('/api/conversations/bulk', { ids: [mine[0]!.id], action: { type: 'team', teamId: team.id } });
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.items[0].teamId).toBe(team.id);
    });

    it('assigns, labels and resolves many at once, with the same events and activity lines as one by one', async () => {
      const live = new RecordingClient(t.url, { cookie: agent.client.cookie! });
      await live.connect();
      try {
        const targets = mine.map((c) => c.id);
        const assigned = await agent.client.post('/api/conversations/bulk', { ids: [...targets, targets[0]], action: { type: 'assign', assigneeId: agent.id } });
        expect(assigned.status).toBe(200);
        expect(ids(assigned.body)).toEqual(targets);
        expect(assigned.body.items.every((c: ConversationDto) => c.assigneeId === agent.id)).toBe(true);

        const labelled = await agent.client.post('/api/conversations/bulk', { ids: targets, action: { type: 'addLabels', labels: ['vip'] } });
        expect(labelled.body.items.map((c: ConversationDto) => c.labels)).toEqual([['vip'], ['vip'], ['vip']]);
        const again = await agent.client.post('/api/conversations/bulk', { ids: targets, action: { type: 'addLabels', labels: ['vip'] } });
        expect(again.body.items.map((c: ConversationDto) => c.labels)).toEqual([['vip'], ['vip'], ['vip']]);

        const resolved = await agent.client.post('/api/conversations/bulk', { ids: targets, action: { type: 'status', status: 'resolved' } });
        expect(resolved.body.items.every((c: ConversationDto) => c.status === 'resolved' && c.resolvedAt)).toBe(true);

        const updates = (id: string) => live.applied.filter((e) => e.type === 'conversation.updated' && e.conversationId === id);
        await live.until(() => targets.every((id) => updates(id).length === 3), 'three conversation.updated per conversation');
        for (const id of targets) {
          expect(updates(id).map((e) => (e.type === 'conversation.updated' ? e.payload.changes : []))).toEqual([['assigneeId'], ['labels'], ['status']]);
          expect(live.applied.some((e) => e.type === 'assignment.changed' && e.conversationId === id)).toBe(true);
        }
        const timeline = (await admin.get(`/api/conversations/${targets[1]}/messages`)).body.items as Array<{ kind: string; text: string }>;
        expect(timeline.filter((m) => m.kind === 'activity').map((m) => m.text)).toEqual(['Agnes Agent changed the status to resolved', 'Agnes Agent assigned this to Agnes Agent']);

        const removed = await admin.post('/api/conversations/bulk', { ids: targets, action: { type: 'removeLabels', labels: ['vip'] } });
        expect(removed.body.items.map((c: ConversationDto) => c.labels)).toEqual([[], [], []]);
      } finally {
        await live.disconnect();
      }
    });
  });

  it('a user keeps their language choice on their account (PATCH /api/users/{me})', async () => {
    const me = (await agent.client.get('/api/me')).body;
    expect(me.locale).toBeNull();
    expect((await agent.client.patch(`/api/users/${me.id}`, { locale: 'de' })).body.locale).toBe('de');
    expect((await agent.client.get('/api/session')).body.user.locale).toBe('de');
    expect((await agent.client.patch(`/api/users/${me.id}`, { locale: 'not a tag' })).status).toBe(400);
    expect((await agent.client.patch(`/api/users/${me.id}`, { locale: null })).body.locale).toBeNull();
  });
});
