// Collision detection over the agents' socket: who has a conversation open and who is writing in it, only
// among agents who may see it, cleared by leaving, disconnecting or losing access, and across two instances
// sharing Redis.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import { addUser } from './support/people.ts';
import { PresenceProbe, presenceOf } from './support/presence.ts';
import { RecordingClient } from './support/realtime.ts';
import { startSecondInstance, startTestServer, type TestServer } from './support/server.ts';

const SECRET = 'presence-secret-0123456789abcdef';

type Agent = { id: string; client: ApiClient; live: RecordingClient; presence: PresenceProbe };

async function connect(base: string, user: { id: string; client: ApiClient }): Promise<Agent> {
  const live = new RecordingClient(base, { cookie: user.client.cookie! });
  await live.connect();
  return { ...user, live, presence: new PresenceProbe(live.socket) };
}

async function conversationIn(t: { url: string }, admin: ApiClient, inbox: { id: string; publicToken: string }, who: string): Promise<string> {
  const r = await postApiWebhook(t.url, inbox.publicToken, SECRET, { messages: [{ id: `${who}-1`, contact: { id: `c-${who}`, name: who }, text: `Hello from ${who}` }] });
  expect(r.status).toBe(200);
  const list = (await admin.get(`/api/conversations?inboxId=${inbox.id}`)).body as { items: Array<{ id: string; contact: { name: string } }> };
  return list.items.find((c) => c.contact.name === who)!.id;
}

/** A lifetime of `ms`, less at most a second spent between the server's clock reads. */
const within = (ms: number) => expect.toSatisfy((v: number) => v <= ms && v > ms - 1_000);

describe.each(storageModes())('conversation presence (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let anna: Agent, ben: Agent, otto: Agent, lead: Agent;
  let inboxX: { id: string; publicToken: string };
  let inboxY: { id: string; publicToken: string };
  let convX: string;
  let convY: string;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const [a, b, o, l] = [
      await addUser(admin, 'agent', { name: 'Anna Agent' }),
      await addUser(admin, 'agent', { name: 'Ben Berger' }),
      await addUser(admin, 'agent', { name: 'Otto Outside' }),
      await addUser(admin, 'lead', { name: 'Lea Lead' }),
    ];
    inboxX = (await admin.post('/api/inboxes', { kind: 'api', name: 'X', credentials: { secret: SECRET }, memberIds: [a.id, b.id] })).body;
    inboxY = (await admin.post('/api/inboxes', { kind: 'api', name: 'Y', credentials: { secret: SECRET }, memberIds: [o.id] })).body;
    convX = await conversationIn(t, admin, inboxX, 'Xaver');
    convY = await conversationIn(t, admin, inboxY, 'Yvonne');
    [anna, ben, otto, lead] = [await connect(t.url, a), await connect(t.url, b), await connect(t.url, o), await connect(t.url, l)];
  });
  afterAll(async () => {
    for (const x of [anna, ben, otto, lead]) await x?.live.disconnect();
    await t?.stop();
  });

  it('two agents see each other viewing, then replying and writing a note, and leaving', async () => {
    expect(await anna.presence.join(convX)).toEqual({ ok: true, entries: [] });
    const joined = await ben.presence.join(convX);
    expect(joined).toEqual({
      ok: true,
      entries: [expect.objectContaining({ conversationId: convX, agent: { id: anna.id, name: 'Anna Agent' }, activity: 'viewing', activityTtlMs: null })],
    });
    if (joined.ok) expect(joined.entries[0]!.ttlMs).toBeGreaterThan(50_000);
    const seen = await anna.presence.waitFor(presenceOf(ben.id, convX, 'viewing'), 'Ben viewing');
    // Lifetimes are counted from the announcement: a full minute, less the milliseconds it took to send.
    expect(seen).toMatchObject({ agent: { name: 'Ben Berger' }, ttlMs: within(60_000), activityTtlMs: null });

    ben.presence.activity(convX, 'replying');
    expect(await anna.presence.waitFor(presenceOf(ben.id, convX, 'replying'), 'Ben replying')).toMatchObject({ activityTtlMs: within(8_000), ttlMs: within(60_000) });
    ben.presence.activity(convX, 'note');
    await anna.presence.waitFor(presenceOf(ben.id, convX, 'note'), 'Ben writing a note');
    anna.presence.activity(convX, 'replying');
    await ben.presence.waitFor(presenceOf(anna.id, convX, 'replying'), 'Anna replying');

    // A third viewer gets everyone's current activity with its join.
    const third = await lead.presence.join(convX);
    expect(third.ok && third.entries.map((e) => [e.agent.name, e.activity]).sort()).toEqual([['Anna Agent', 'replying'], ['Ben Berger', 'note']]);
    lead.presence.leave(convX);
    await anna.presence.waitFor(presenceOf(lead.id, convX, null), 'the lead leaving');

    ben.presence.leave(convX);
    await anna.presence.waitFor(presenceOf(ben.id, convX, null), 'Ben leaving');
    // Nobody hears their own presence.
    expect(anna.presence.heard.some((e) => e.agent.id === anna.id)).toBe(false);
  });

  it('disconnecting clears every conversation the socket had open', async () => {
    const again = await connect(t.url, { id: ben.id, client: ben.client });
    expect((await again.presence.join(convX)).ok).toBe(true);
    const connection = (await anna.presence.waitFor((e) => e.agent.id === ben.id && e.activity === 'viewing' && !anna.presence.heard.slice(0, -1).includes(e), 'Ben again')).connection;
    await again.live.disconnect();
    await anna.presence.waitFor((e) => e.connection === connection && e.activity === null, "the closed tab's leave");
  });

  it('an agent without access to the inbox is refused and never hears about the conversation', async () => {
    expect(await otto.presence.join(convX)).toEqual({ ok: false, error: 'not_found' });
    expect(await otto.presence.join('not-a-uuid')).toEqual({ ok: false, error: 'invalid' });
    otto.presence.activity(convX, 'replying'); // not joined: ignored
    expect(await otto.presence.join(convY)).toMatchObject({ ok: true });

    expect((await ben.presence.join(convX)).ok).toBe(true);
    ben.presence.activity(convX, 'replying');
    await anna.presence.waitFor((e) => e.agent.id === ben.id && e.activity === 'replying' && anna.presence.heard.filter((x) => x.agent.id === ben.id && x.activity === 'replying').length === 2, 'Ben replying again');
    // Sentinel: the admin joins Otto's conversation after Ben's change went out; once Otto hears it, he would have heard Ben's.
    const adminLive = await connect(t.url, { id: 'admin', client: admin });
    expect((await adminLive.presence.join(convY)).ok).toBe(true);
    await otto.presence.waitFor((e) => e.conversationId === convY && e.activity === 'viewing', 'the admin in Y');
    expect(otto.presence.heard.filter((e) => e.conversationId === convX)).toEqual([]);
    expect(anna.presence.heard.some((e) => e.agent.id === otto.id)).toBe(false);
    await adminLive.live.disconnect();
  });

  it('an agent removed from the inbox leaves the conversation at once, and the others are told', async () => {
    expect((await admin.put(`/api/inboxes/${inboxX.id}/members`, { userIds: [anna.id] })).status).toBe(200);
    const left = await anna.presence.waitFor((e) => e.agent.id === ben.id && e.activity === null && e === anna.presence.heard.at(-1), 'Ben removed');
    expect(left.conversationId).toBe(convX);
    const before = ben.presence.heard.length;
    const annaBefore = anna.presence.heard.length;
    ben.presence.activity(convX, 'note'); // no longer joined: ignored
    anna.presence.activity(convX, 'note');
    // Sentinel: Otto (still in Y) and Ben hear nothing of X; Anna's change reaches the lead who re-joins.
    expect((await lead.presence.join(convX)).ok).toBe(true);
    anna.presence.activity(convX, 'viewing');
    await lead.presence.waitFor((e) => e.agent.id === anna.id && e.activity === 'viewing', 'Anna viewing at the lead');
    expect(ben.presence.heard.slice(before)).toEqual([]);
    expect(anna.presence.heard.slice(annaBefore).some((e) => e.agent.id === ben.id)).toBe(false);
    expect(await ben.presence.join(convX)).toEqual({ ok: false, error: 'not_found' });
  });
});

describe('conversation presence across two instances (PostgreSQL + Redis)', () => {
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
  const env = { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', SWITCHBOARD_REDIS_PREFIX: `sb-presence-${process.pid}-${randomBytes(4).toString('hex')}` };
  let a: TestServer;
  let b: Awaited<ReturnType<typeof startSecondInstance>>;
  const agents: Agent[] = [];

  beforeAll(async () => {
    a = await startTestServer('postgres', { env });
    b = await startSecondInstance(a, { env });
  });
  afterAll(async () => {
    for (const x of agents) await x.live.disconnect();
    await b?.stop();
    await a?.stop();
  });

  it('agents on different instances see each other join, write and disconnect', async () => {
    const admin = await setupAdmin(a.url);
    const users = [await addUser(admin, 'agent', { name: 'Anna A' }), await addUser(admin, 'agent', { name: 'Bruno B' })];
    const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shared', credentials: { secret: SECRET }, memberIds: users.map((u) => u.id) })).body;
    const conv = await conversationIn(a, admin, inbox, 'Sven');
    const onA = await connect(a.url, users[0]!);
    const onB = await connect(b.url, users[1]!);
    agents.push(onA, onB);

    expect((await onA.presence.join(conv)).ok).toBe(true);
    const joined = await onB.presence.join(conv);
    expect(joined.ok && joined.entries.map((e) => e.agent.name)).toEqual(['Anna A']);
    await onA.presence.waitFor(presenceOf(onB.id, conv, 'viewing'), 'Bruno (instance B) viewing, at Anna (instance A)');
    onB.presence.activity(conv, 'replying');
    await onA.presence.waitFor(presenceOf(onB.id, conv, 'replying'), 'Bruno replying across instances');
    await onB.live.disconnect();
    await onA.presence.waitFor(presenceOf(onB.id, conv, null), "Bruno's disconnect across instances");
  });
});
