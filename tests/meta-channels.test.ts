import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { messagingWebhook, startMetaFake, TEST_META, whatsAppEvents as wa, whatsAppWebhook, type MetaFake } from '@switchboard/channels/testing';
import { signMetaPayload } from '@switchboard/channels/meta';
import { startTestServer, type TestServer } from './support/server.ts';
import { ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { eventually } from './support/webhook-receiver.ts';
import { refusingMessage } from './support/faults.ts';
import { META_DRIVERS, metaSubscriptionCheck, postMetaWebhook, type MetaDriver, type MetaKind } from './support/meta.ts';

const PUBLIC_URL = 'https://support.acme.example';

interface Inbox {
  id: string;
  publicToken: string;
  webhookUrl: string;
}

describe.each(storageModes())('Meta channels end to end (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let fake: MetaFake;
  const inboxes = {} as Record<MetaKind, Inbox>;
  let customers = 0;

  beforeAll(async () => {
    fake = await startMetaFake(TEST_META);
    t = await startTestServer(mode, { env: { PUBLIC_URL: PUBLIC_URL } });
    admin = await setupAdmin(t.url);
    for (const d of META_DRIVERS) {
      const r = await admin.post('/api/inboxes', { kind: d.kind, name: `Acme ${d.kind}`, credentials: d.credentials, settings: { graphBaseUrl: fake.url } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      inboxes[d.kind] = r.body;
    }
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  const messagesOf = async (conversationId: string) => (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items as any[];
  const conversationsOf = async (inboxId: string) => (await admin.get(`/api/conversations?inboxId=${inboxId}&limit=100`)).body.items as any[];
  const messageById = async (conversationId: string, id: string) => (await messagesOf(conversationId)).find((m) => m.id === id);
  const waitForDelivery = (conversationId: string, id: string, status: string) =>
    eventually(async () => {
      const m = await messageById(conversationId, id);
      return m?.deliveryStatus === status ? m : null;
    });

  describe.each(META_DRIVERS)('$kind', (d: MetaDriver) => {
    const post = (body: unknown, opts?: Parameters<typeof postMetaWebhook>[4]) => postMetaWebhook(t.url, d.kind, inboxes[d.kind].publicToken, body, opts);
    const newCustomer = () => d.customer(++customers);
    /** A customer writes; returns their conversation. */
    const customerWrites = async (customer: string, id: string, text: string, at?: Date) => {
      const r = await post(d.inbound(customer, id, text, at));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const conversation = (await conversationsOf(inboxes[d.kind].id)).find((c) => c.lastMessagePreview === text);
      expect(conversation).toBeDefined();
      return conversation;
    };
    const sendsTo = (customer: string) => fake.sends.filter((s) => JSON.stringify(s.body).includes(customer));

    it('shows the webhook URL and answers Meta\'s subscription check (wrong verify token: 403)', async () => {
      const inbox = inboxes[d.kind];
      const path = `/webhooks/${d.kind}/${inbox.publicToken}`;
      expect(inbox.webhookUrl).toBe(`${PUBLIC_URL}${path}`);
      expect(await metaSubscriptionCheck(`${t.url}${path}`, TEST_META.verifyToken, '1158201444')).toEqual({ status: 200, text: '1158201444' });
      expect((await metaSubscriptionCheck(`${t.url}${path}`, 'not-the-token', '1158201444')).status).toBe(403);
    });

    it('inbound → conversation on the right contact → agent reply → the Graph API → delivered → read', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `in-${customer}-1`, 'Hallo, wo bleibt meine Bestellung? 📦');
      const contact = (await admin.get(`/api/contacts/${conversation.contact.id}`)).body;
      expect(contact.identities.map((i: any) => ({ kind: i.kind, address: i.address }))).toEqual([d.identity(customer)]);
      expect((await messagesOf(conversation.id)).map((m) => [m.direction, m.text])).toEqual([['in', 'Hallo, wo bleibt meine Bestellung? 📦']]);

      const reply = await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Sie ist unterwegs! 🚚' });
      expect(reply.status).toBe(201);
      const sent = await waitForDelivery(conversation.id, reply.body.id, 'sent');
      const [send] = sendsTo(customer);
      expect(d.sentText(send!)).toBe('Sie ist unterwegs! 🚚');
      expect(sent.providerMessageId).toBe(send!.id);

      expect((await post(d.delivered(customer, [send!.id]))).body).toMatchObject({ ok: true, statuses: 1 });
      await waitForDelivery(conversation.id, reply.body.id, 'delivered');
      expect((await post(d.read(customer, [send!.id]))).status).toBe(200);
      await waitForDelivery(conversation.id, reply.body.id, 'read');
      // Receipts arriving again (or late) never move it back.
      await post(d.delivered(customer, [send!.id]));
      expect((await messageById(conversation.id, reply.body.id)).deliveryStatus).toBe('read');
    });

    it('stores one message per id: the same id in another delivery or twice in one batch, and every message of a batch', async () => {
      const customer = newCustomer();
      const first = await post(d.inbound(customer, `dup-${customer}`, 'Nur einmal', new Date(Date.now() - 2_000)));
      const again = await post(d.inbound(customer, `dup-${customer}`, 'Nur einmal', new Date(Date.now() - 1_000)));
      expect([first.body.received, again.status, again.body.received, again.body.duplicates]).toEqual([1, 200, 0, 1]);
      const twice = await post(d.batch(customer, [{ id: `tw-${customer}`, text: 'doppelt' }, { id: `tw-${customer}`, text: 'doppelt' }]));
      expect(twice.body).toMatchObject({ received: 1, duplicates: 1 });
      const batch = await post(d.batch(customer, [{ id: `b1-${customer}`, text: 'eins' }, { id: `b2-${customer}`, text: 'zwei' }, { id: `b3-${customer}`, text: 'drei' }]));
      expect(batch.body).toMatchObject({ received: 3, duplicates: 0 });
      const conversation = (await conversationsOf(inboxes[d.kind].id)).find((c) => c.lastMessagePreview === 'drei');
      expect((await messagesOf(conversation.id)).map((m) => m.text).reverse()).toEqual(['Nur einmal', 'doppelt', 'eins', 'zwei', 'drei']);
    });

    it('answers a replayed delivery 401 replayed, storing nothing; Meta\'s retry of a delivery answered 5xx is stored once', async () => {
      const customer = newCustomer();
      const body = d.inbound(customer, `rp-${customer}`, 'Einmal angenommen');
      expect((await post(body)).body).toMatchObject({ received: 1 });
      const conversation = (await conversationsOf(inboxes[d.kind].id)).find((c) => c.lastMessagePreview === 'Einmal angenommen');
      const replay = await post(body);
      expect([replay.status, replay.body.error.code, replay.body.error.details]).toEqual([401, 'invalid_signature', { reason: 'replayed' }]);
      expect(await messagesOf(conversation.id)).toHaveLength(1);

      const retried = d.inbound(customer, `rt-${customer}`, 'Beim zweiten Mal');
      const failed = await refusingMessage(t.db, 'Beim zweiten Mal', () => post(retried));
      expect(failed.status).toBe(500);
      expect(await messagesOf(conversation.id)).toHaveLength(1);
      expect(await post(retried)).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
      expect((await post(retried)).status).toBe(401);
      expect((await messagesOf(conversation.id)).map((m) => m.text).sort()).toEqual(['Beim zweiten Mal', 'Einmal angenommen']);
    });

    it('refuses a payload whose newest event is older than Meta retries (stale: 401), storing nothing', async () => {
      const customer = newCustomer();
      const before = (await conversationsOf(inboxes[d.kind].id)).length;
      const stale = await post(d.inbound(customer, `st-${customer}`, 'Viel zu alt', new Date(Date.now() - 49 * 3_600_000)));
      expect([stale.status, stale.body.error.code]).toEqual([401, 'invalid_signature']);
      expect(stale.body.error.message).toMatch(/stale: the newest event is 49 hours old/);
      expect(await conversationsOf(inboxes[d.kind].id)).toHaveLength(before);
    });

    it('refuses missing, wrong and tampered signatures with 401 and malformed payloads with 400, storing nothing', async () => {
      const customer = newCustomer();
      const body = d.inbound(customer, `bad-${customer}`, 'Darf nicht ankommen');
      const before = await conversationsOf(inboxes[d.kind].id);
      const missing = await post(body, { signature: null });
      const wrong = await post(body, { appSecret: 'some-other-app-secret' });
      const good = JSON.stringify(body);
      const tampered = await post(null, { raw: good.replace('Darf nicht', 'Soll doch'), signature: signMetaPayload(TEST_META.appSecret, good) });
      expect([missing.status, wrong.status, tampered.status]).toEqual([401, 401, 401]);
      expect(wrong.body.error.code).toBe('invalid_signature');
      const malformed = await post(null, { raw: '{"object":"page","entry":[{"id":' });
      const notOurs = await post({ object: 'user', entry: [{ id: '1', changes: [] }] });
      expect([malformed.status, notOurs.status, malformed.body.error.code]).toEqual([400, 400, 'malformed_payload']);
      expect(await conversationsOf(inboxes[d.kind].id)).toHaveLength(before.length);
    });

    it('retries a send through Meta\'s 5xx and then delivers it', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `in-${customer}`, 'Ist jemand da?');
      const attempts = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).length;
      const before = attempts();
      fake.failNext(500, undefined, 2);
      const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Ja, wir sind da.' })).body;
      const sent = await waitForDelivery(conversation.id, reply.id, 'sent');
      expect(attempts() - before).toBe(3);
      expect(sent.deliveryError).toBeNull();
      await post(d.delivered(customer, [sent.providerMessageId]));
      await waitForDelivery(conversation.id, reply.id, 'delivered');
    });

    it('marks a permanent refusal failed with Meta\'s reason', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `in-${customer}`, 'Bitte antworten');
      fake.failNext(400, { message: '(#100) The parameter recipient is invalid', type: 'OAuthException', code: 100, error_subcode: 2018001 });
      const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Antwort' })).body;
      const failed = await waitForDelivery(conversation.id, reply.id, 'failed');
      expect(failed.deliveryError).toMatch(/^Meta responded 400: \(#100\) The parameter recipient is invalid \[code 100\/2018001; fbtrace_id /);
    });

    it('does not ingest what comes back for our own sends', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `in-${customer}`, 'Echo-Test');
      const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Unsere Antwort' })).body;
      const sent = await waitForDelivery(conversation.id, reply.id, 'sent');
      const echoed = await post(d.echo(customer, sent.providerMessageId, 'Unsere Antwort'));
      expect(echoed.status).toBe(200);
      expect(echoed.body.received).toBe(0);
      expect((await messagesOf(conversation.id)).map((m) => m.direction)).toEqual(['out', 'in']);
    });

    it('stores a reaction as a small message naming the message reacted to', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `in-${customer}`, 'Reaktionstest');
      const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Hier ist der Link' })).body;
      const sent = await waitForDelivery(conversation.id, reply.id, 'sent');
      expect((await post(d.reaction(customer, sent.providerMessageId, '👍'))).body.received).toBe(1);
      // (WhatsApp times have whole seconds: the reaction may sort before the reply it reacts to.)
      const reaction = (await messagesOf(conversation.id)).find((m) => m.id !== reply.id && m.text.startsWith('Reacted'));
      expect([reaction.direction, reaction.text, reaction.metadata.reaction]).toEqual(['in', 'Reacted 👍 to a message', { emoji: '👍', action: 'react', providerMessageId: sent.providerMessageId }]);
    });

    it('refuses a free-form reply 24 hours after the customer\'s last message, queueing nothing', async () => {
      const customer = newCustomer();
      const conversation = await customerWrites(customer, `old-${customer}`, 'Vor langer Zeit', new Date(Date.now() - 25 * 3_600_000));
      const sendsBefore = fake.sends.length;
      const late = await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Zu spät' });
      expect(late.status).toBe(422);
      expect(late.body.error).toMatchObject({ code: 'outside_reply_window', details: { windowHours: 24 } });
      expect(late.body.error.message).toMatch(/only within 24 hours/);
      expect(await messagesOf(conversation.id)).toHaveLength(1);

      const template = { name: 'order_update', language: 'de', components: [{ type: 'body', parameters: [{ type: 'text', text: '#4711' }] }] };
      const templated = await admin.post(`/api/conversations/${conversation.id}/messages`, { template });
      if (d.kind !== 'whatsapp') {
        expect(templated.status).toBe(400);
        expect(templated.body.error.details.fieldErrors.template).toBeDefined();
        expect(fake.sends.length).toBe(sendsBefore);
        return;
      }
      expect(templated.status).toBe(201);
      expect(templated.body).toMatchObject({ text: 'Template order_update (de)', metadata: { template } });
      await waitForDelivery(conversation.id, templated.body.id, 'sent');
      expect(sendsTo(customer).map((s) => s.body)).toEqual([
        { messaging_product: 'whatsapp', recipient_type: 'individual', to: customer, type: 'template', template: { name: 'order_update', language: { code: 'de' }, components: template.components } },
      ]);
      // Once the customer writes again, free text is fine.
      await post(d.inbound(customer, `new-${customer}`, 'Danke!'));
      expect((await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Gern!' })).status).toBe(201);
    });

    it('tests the stored connection and refuses credentials Meta rejects', async () => {
      expect((await admin.post(`/api/inboxes/${inboxes[d.kind].id}/test-connection`)).body).toMatchObject({ ok: true });
      const bad = { ...d.credentials, accessToken: 'EAAG-revoked' };
      const check = await admin.post('/api/inboxes/test-connection', { kind: d.kind, credentials: bad, settings: { graphBaseUrl: fake.url } });
      expect(check.body).toMatchObject({ ok: false, problem: 'auth_failed', message: expect.stringMatching(/Invalid OAuth access token/) });
      const refused = await admin.post('/api/inboxes', { kind: d.kind, name: 'Broken', credentials: bad, settings: { graphBaseUrl: fake.url } });
      expect([refused.status, refused.body.error.code, refused.body.error.details.problem]).toEqual([400, 'connection_failed', 'auth_failed']);
    });
  });

  describe('Messenger and Instagram sender names', () => {
    const profiles = {
      messenger: { fields: { first_name: 'Ana', last_name: 'Souza', profile_pic: 'https://platform-lookaside.fbsbx.com/pic?psid=1' }, name: 'Ana Souza', attributes: { messenger: { profilePic: 'https://platform-lookaside.fbsbx.com/pic?psid=1' } } },
      instagram: { fields: { name: 'Bea Costa', username: 'bea.costa' }, name: 'Bea Costa', attributes: { instagram: { username: 'bea.costa' } } },
    };
    const drivers = META_DRIVERS.filter((d) => d.kind !== 'whatsapp');
    const contactOf = async (kind: MetaKind, text: string) => (await conversationsOf(inboxes[kind].id)).find((c) => c.lastMessagePreview === text).contact;
    const profileJobOf = async (contactId: string) =>
      (await t.db.prisma.$queryRawUnsafe<Array<{ status: string }>>(`SELECT status::text FROM "Job" WHERE queue = 'contact.profile' AND payload->>'contactId' = $1`, contactId))[0]?.status;
    const lookupsOf = (customer: string) => fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith(`/v25.0/${customer}?`));

    it.each(drivers)('$kind: a new contact gets its name from the Graph API (a job after the commit), looked up once', async (d) => {
      const customer = d.customer(++customers);
      fake.addProfile(customer, profiles[d.kind as 'messenger' | 'instagram'].fields);
      const r = await postMetaWebhook(t.url, d.kind, inboxes[d.kind].publicToken, d.inbound(customer, `pf-${customer}`, `Profil ${customer}`));
      expect(r.body).toMatchObject({ received: 1 });
      const { id } = await contactOf(d.kind, `Profil ${customer}`);
      const expected = profiles[d.kind as 'messenger' | 'instagram'];
      const contact = await eventually(async () => {
        const c = (await admin.get(`/api/contacts/${id}`)).body;
        return c.name ? c : null;
      });
      expect([contact.name, contact.attributes]).toEqual([expected.name, expected.attributes]);
      expect((await conversationsOf(inboxes[d.kind].id)).find((c) => c.contact.id === id).contact.name).toBe(expected.name);
      const lookup = lookupsOf(customer);
      expect(lookup).toHaveLength(1);
      expect(lookup[0]!.headers.authorization).toBe(`Bearer ${TEST_META.accessToken}`);
      // A known contact is not looked up again.
      await postMetaWebhook(t.url, d.kind, inboxes[d.kind].publicToken, d.inbound(customer, `pf2-${customer}`, 'Noch eine Frage'));
      await eventually(async () => (await profileJobOf(id)) === 'done');
      expect(lookupsOf(customer)).toHaveLength(1);
    });

    it.each(drivers)('$kind: an unknown profile leaves the contact unnamed, and a name an agent set first is kept', async (d) => {
      const unknown = d.customer(++customers);
      expect((await postMetaWebhook(t.url, d.kind, inboxes[d.kind].publicToken, d.inbound(unknown, `pu-${unknown}`, `Unbekannt ${unknown}`))).status).toBe(200);
      const nameless = await contactOf(d.kind, `Unbekannt ${unknown}`);
      await eventually(async () => (await profileJobOf(nameless.id)) === 'done');
      expect(lookupsOf(unknown)).toHaveLength(1);
      expect((await admin.get(`/api/contacts/${nameless.id}`)).body.name).toBeNull();

      const named = d.customer(++customers);
      fake.addProfile(named, profiles[d.kind as 'messenger' | 'instagram'].fields);
      await t.server.services.jobs.stop();
      let contactId: string;
      try {
        await postMetaWebhook(t.url, d.kind, inboxes[d.kind].publicToken, d.inbound(named, `pn-${named}`, `Benannt ${named}`));
        contactId = (await contactOf(d.kind, `Benannt ${named}`)).id;
        expect((await admin.patch(`/api/contacts/${contactId}`, { name: 'Named by an agent' })).status).toBe(200);
      } finally {
        t.server.services.jobs.start();
      }
      await eventually(async () => (await profileJobOf(contactId)) === 'done');
      expect((await admin.get(`/api/contacts/${contactId}`)).body.name).toBe('Named by an agent');
    });
  });

  describe('Instagram specifics', () => {
    it('a message the customer unsends shows as deleted: its content removed, once', async () => {
      const d = META_DRIVERS[1]!;
      const customer = d.customer(++customers);
      const post = (body: unknown) => postMetaWebhook(t.url, 'instagram', inboxes.instagram.publicToken, body);
      await post(d.inbound(customer, `un-${customer}`, 'Ups, falsches Foto'));
      const conversation = (await conversationsOf(inboxes.instagram.id)).find((c) => c.lastMessagePreview === 'Ups, falsches Foto');
      const unsend = (at: number) =>
        messagingWebhook('instagram', TEST_META.instagramAccountId, [{ sender: { id: customer }, recipient: { id: TEST_META.instagramAccountId }, timestamp: at, message: { mid: `un-${customer}`, is_deleted: true } }]);
      const r = await post(unsend(Date.now()));
      expect(r.body).toMatchObject({ received: 0, edits: 1 });
      const [message] = await messagesOf(conversation.id);
      expect(message).toMatchObject({ text: '', html: null, metadata: expect.objectContaining({ deletedAt: expect.any(String) }) });
      expect((await post(unsend(Date.now() + 1))).body).toMatchObject({ received: 0, edits: 0 });
      expect(await messagesOf(conversation.id)).toHaveLength(1);
    });
  });

  describe('WhatsApp specifics', () => {
    const post = (body: unknown) => postMetaWebhook(t.url, 'whatsapp', inboxes.whatsapp.publicToken, body);

    it('downloads media through the Graph API with the token (the stored bytes match)', async () => {
      const bytes = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.from('ein Foto vom Schaden')]);
      const mediaId = fake.addMedia(bytes, 'image/jpeg');
      const customer = META_DRIVERS[2]!.customer(++customers);
      const r = await post(whatsAppWebhook({ contacts: [wa.contact(customer, 'Foto Kunde')], messages: [wa.media(customer, `img-${customer}`, 'image', { id: mediaId, mime_type: 'image/jpeg', caption: 'Schaden' })] }));
      expect(r.body.received).toBe(1);
      const conversation = (await conversationsOf(inboxes.whatsapp.id)).find((c) => c.lastMessagePreview === 'Schaden');
      const [message] = await messagesOf(conversation.id);
      expect(message.attachments).toEqual([expect.objectContaining({ name: 'image.jpg', contentType: 'image/jpeg' })]);
      const file = await eventually(async () => {
        const res = await fetch(t.url + message.attachments[0].url, { headers: { cookie: admin.cookie! } });
        return res.status === 200 ? Buffer.from(await res.arrayBuffer()) : null;
      });
      expect(file).toEqual(bytes);
      const download = fake.requests.find((req) => req.path.startsWith(`/whatsapp-media/${mediaId}`));
      expect(download?.headers.authorization).toBe(`Bearer ${TEST_META.accessToken}`);
    });

    it('is one contact with SMS-style phone identities: the same number elsewhere joins the same contact', async () => {
      const customer = META_DRIVERS[2]!.customer(++customers);
      await post(whatsAppWebhook({ contacts: [wa.contact(customer, 'Ana Souza')], messages: [wa.text(customer, `wa-${customer}`, 'Oi pelo WhatsApp')] }));
      const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: 'meta-test-secret-0123456789' } })).body;
      await postApiWebhook(t.url, api.publicToken, 'meta-test-secret-0123456789', { messages: [{ id: `api-${customer}`, contact: { phone: `+${customer}` }, text: 'Oi pelo site' }] });
      const wa1 = (await conversationsOf(inboxes.whatsapp.id)).find((c) => c.lastMessagePreview === 'Oi pelo WhatsApp');
      const other = (await conversationsOf(api.id)).find((c) => c.lastMessagePreview === 'Oi pelo site');
      expect(other.contact).toEqual(wa1.contact);
      expect(wa1.contact.name).toBe('Ana Souza');
      const conversations = (await admin.get(`/api/contacts/${wa1.contact.id}/conversations`)).body.items;
      expect(conversations.map((c: any) => c.id).sort()).toEqual([wa1.id, other.id].sort());
    });

    it('shows a failed status with WhatsApp\'s error', async () => {
      const customer = META_DRIVERS[2]!.customer(++customers);
      await post(whatsAppWebhook({ messages: [wa.text(customer, `in-${customer}`, 'Status bitte')] }));
      const conversation = (await conversationsOf(inboxes.whatsapp.id)).find((c) => c.lastMessagePreview === 'Status bitte');
      const reply = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Kommt gleich' })).body;
      const sent = await waitForDelivery(conversation.id, reply.id, 'sent');
      const error = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Unable to deliver message.' } };
      expect((await post(whatsAppWebhook({ statuses: [wa.status(sent.providerMessageId, 'failed', customer, new Date(), [error])] }))).body.statuses).toBe(1);
      const failed = await waitForDelivery(conversation.id, reply.id, 'failed');
      expect(failed.deliveryError).toBe('(#131026) Message undeliverable: Unable to deliver message.');
    });
  });
});
