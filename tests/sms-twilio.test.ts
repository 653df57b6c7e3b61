import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTwilioFake, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_NUMBER, twilioInboundParams, twilioSid, type TwilioFake } from '@switchboard/channels/testing';
import { ApiClient, setupAdmin } from './support/api.ts';
import { LiveClient } from './support/realtime-client.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createTwilioInbox, postTwilioWebhook, twilioCredentials, type TwilioInbox } from './support/twilio.ts';
import { eventually } from './support/webhook-receiver.ts';
import { refusingMessage } from './support/faults.ts';

// Customers, one per scenario (valid US numbers, E.164).
const ADA = '+14155552671';
const BOB = '+14155552672';
const CAT = '+14155552673';
const DAN = '+14155552674';
const EVE = '+14155552675';
const FAY = '+14155552676';
const GUS = '+14155552677';
const HAL = '+14155552678';
const JPEG = Buffer.from('ffd8ffe000104a46494600010100000100010000ffd9', 'hex');

describe.each(storageModes())('Twilio SMS end to end (%s)', (mode) => {
  let t: TestServer;
  let fake: TwilioFake;
  let admin: ApiClient;
  let inbox: TwilioInbox;
  let live: LiveClient;

  beforeAll(async () => {
    fake = await startTwilioFake();
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    inbox = await createTwilioInbox(admin, fake, 'sms');
    live = new LiveClient(t.url, { cookie: admin.cookie! });
    await live.connect();
  }, 300_000); // starts a server on a fresh database: generous on a busy machine
  afterAll(async () => {
    live?.disconnect();
    await t?.stop();
    await fake?.close();
  });

  const text = (from: string, body: string, extra: Parameters<typeof twilioInboundParams>[0] = {}) => twilioInboundParams({ from, body, ...extra });
  const contactOf = async (phone: string) => {
    const r = await admin.get(`/api/contacts?q=${encodeURIComponent(phone)}`);
    return r.body.items.find((c: any) => c.identities.some((i: any) => i.kind === 'phone' && i.address === phone)) ?? null;
  };
  const conversationOf = async (phone: string) => {
    const contact = await contactOf(phone);
    const list = await admin.get(`/api/conversations?contactId=${contact.id}&inboxId=${inbox.id}`);
    return list.body.items[0];
  };
  const messagesOf = async (conversationId: string) => (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items as any[];
  const messageIn = (conversationId: string, id: string, pred: (m: any) => boolean) =>
    eventually(async () => (await messagesOf(conversationId)).find((m) => m.id === id && pred(m)), 20_000);
  const sentTo = (phone: string) => fake.messages.filter((m) => m.to === phone);

  it('shows the webhook URL to paste into Twilio and tests the connection', async () => {
    expect(inbox.webhookUrl).toMatch(new RegExp(`^https?://[^/]+/webhooks/sms/${inbox.publicToken}$`));
    const saved = await admin.post(`/api/inboxes/${inbox.id}/test-connection`);
    expect(saved.body).toEqual({ ok: true, details: { accountName: 'Switchboard test account', phoneNumber: TEST_TWILIO_NUMBER } });
    const wrong = await admin.post('/api/inboxes/test-connection', { kind: 'sms', credentials: twilioCredentials('sms', { authToken: 'wrong-token-0123456789abcdef' }), settings: { apiBaseUrl: fake.url } });
    expect(wrong.body).toMatchObject({ ok: false, problem: 'auth_failed' });
    const notOurs = await admin.post('/api/inboxes', { kind: 'sms', name: 'Other', credentials: twilioCredentials('sms', { phoneNumber: '+14155550199' }), settings: { apiBaseUrl: fake.url } });
    expect(notOurs.status).toBe(400);
    expect(notOurs.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'not_found' } });
  });

  it('inbound SMS → conversation on the contact → agent reply → Twilio → status callbacks → delivered, live', async () => {
    const r = await postTwilioWebhook(t.url, inbox, text(ADA, 'Hi, where is my parcel?'));
    expect(r).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
    // Twilio gets empty TwiML (no auto-reply, nothing for its debugger to complain about).
    expect(r.contentType).toMatch(/^text\/xml/);
    expect(r.text).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    const contact = await contactOf(ADA);
    expect(contact.identities).toMatchObject([{ kind: 'phone', address: ADA, optedOutAt: null }]);
    const conv = await conversationOf(ADA);
    expect(conv).toMatchObject({ inboxId: inbox.id, status: 'open', contact: { id: contact.id }, lastMessagePreview: 'Hi, where is my parcel?' });
    expect((await messagesOf(conv.id))[0]).toMatchObject({ direction: 'in', text: 'Hi, where is my parcel?' });

    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'It ships today!' });
    expect(reply).toMatchObject({ status: 201, body: { deliveryStatus: 'queued' } });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    const [twilioMessage] = sentTo(ADA);
    expect(twilioMessage).toMatchObject({ from: TEST_TWILIO_NUMBER, body: 'It ships today!', statusCallback: inbox.webhookUrl });
    expect(sent.providerMessageId).toBe(twilioMessage?.sid);

    expect((await fake.sendStatus(twilioMessage!.sid, 'queued', { deliverTo: t.url })).status).toBe(200);
    const delivered = await fake.sendStatus(twilioMessage!.sid, 'delivered', { deliverTo: t.url });
    expect(delivered.status).toBe(200);
    expect(delivered.headers.get('x-switchboard-statuses')).toBe('1');
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'delivered' && m.deliveryError === null);
    const event = await live.waitFor((e) => e.type === 'message.updated' && e.payload.message.id === reply.body.id && e.payload.message.deliveryStatus === 'delivered');
    expect(event.conversationId).toBe(conv.id);
    // A "sent" arriving late never moves it back; the same callback once more is a replay (refused).
    expect((await fake.sendStatus(twilioMessage!.sid, 'sent', { deliverTo: t.url })).status).toBe(200);
    expect((await fake.sendStatus(twilioMessage!.sid, 'sent', { deliverTo: t.url })).status).toBe(401);
    expect((await messagesOf(conv.id)).find((m) => m.id === reply.body.id).deliveryStatus).toBe('delivered');
  });

  it('stores one message for concurrent identical deliveries, and for another request with the same MessageSid', async () => {
    const params = text(BOB, 'Only once, please');
    const raced = await Promise.all(Array.from({ length: 6 }, () => postTwilioWebhook(t.url, inbox, params)));
    // Each is stored, a duplicate of a concurrent one still in flight, or (once one was accepted) a replay.
    for (const r of raced) expect(r.status === 200 || (r.status === 401 && r.body.error.details.reason === 'replayed'), JSON.stringify(r.body)).toBe(true);
    expect(raced.filter((r) => r.status === 200 && r.body.received === 1)).toHaveLength(1);
    // The same MessageSid in a request that differs (another field): idempotent on the SID, 200.
    expect((await postTwilioWebhook(t.url, inbox, { ...params, FromCity: 'OAKLAND' })).body).toMatchObject({ received: 0, duplicates: 1 });
    const conv = await conversationOf(BOB);
    expect((await messagesOf(conv.id)).filter((m) => m.text === 'Only once, please')).toHaveLength(1);
  });

  it('answers a replay of an accepted request 401 replayed, storing nothing; Twilio’s retry of a request answered 5xx is stored once', async () => {
    const params = text(GUS, 'Accepted once');
    expect((await postTwilioWebhook(t.url, inbox, params)).body).toMatchObject({ received: 1 });
    const conv = await conversationOf(GUS);
    const count = (await messagesOf(conv.id)).length;
    const replay = await postTwilioWebhook(t.url, inbox, params);
    expect([replay.status, replay.body.error.code, replay.body.error.details]).toEqual([401, 'invalid_signature', { reason: 'replayed' }]);
    expect((await messagesOf(conv.id)).length).toBe(count);

    // The first attempt fails (the database refuses the row): 5xx, nothing remembered, so Twilio's retry is stored.
    const retried = text(GUS, 'Stored on the retry');
    const failed = await refusingMessage(t.db, 'Stored on the retry', () => postTwilioWebhook(t.url, inbox, retried));
    expect(failed.status).toBe(500);
    expect((await messagesOf(conv.id)).length).toBe(count);
    expect(await postTwilioWebhook(t.url, inbox, retried)).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
    expect((await postTwilioWebhook(t.url, inbox, retried)).status).toBe(401);
    expect((await messagesOf(conv.id)).filter((m) => m.text === 'Stored on the retry')).toHaveLength(1);

    // A replayed status callback changes nothing either.
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Got it' });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    expect((await fake.sendStatus(sent.providerMessageId, 'delivered', { deliverTo: t.url })).status).toBe(200);
    expect((await fake.sendStatus(sent.providerMessageId, 'delivered', { deliverTo: t.url })).status).toBe(401);

    // After the replay window the request is forgotten: a replay is then absorbed by the idempotency on MessageSid.
    expect(await t.server.services.webhooks.purgeReceipts(new Date(Date.now() + 8 * 24 * 3_600_000))).toBeGreaterThan(0);
    expect(await postTwilioWebhook(t.url, inbox, params)).toMatchObject({ status: 200, body: { received: 0, duplicates: 1 } });
    expect((await messagesOf(conv.id)).filter((m) => m.text === 'Accepted once')).toHaveLength(1);
  });

  it('answers 401 and stores nothing for a missing, wrong, tampered or wrongly addressed signature', async () => {
    const before = (await admin.get('/api/conversations')).body.total;
    const params = text(CAT, 'Forged');
    const expect401 = (r: { status: number; body: any }) => {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_signature');
    };
    expect401(await postTwilioWebhook(t.url, inbox, params, { signature: null }));
    expect401(await postTwilioWebhook(t.url, inbox, params, { authToken: 'another-auth-token-0123456789' }));
    expect401(await postTwilioWebhook(t.url, inbox, params, { signature: 'bm90IGEgc2lnbmF0dXJl' }));
    expect401(await postTwilioWebhook(t.url, inbox, params, { rawBody: new URLSearchParams({ ...params, Body: 'Tampered' }).toString() }));
    expect401(await postTwilioWebhook(t.url, inbox, params, { rawBody: new URLSearchParams({ ...params, From: ADA }).toString() }));
    // Signed for the URL the server listens on, not the PUBLIC_URL Twilio is configured with.
    expect401(await postTwilioWebhook(t.url, inbox, params, { signUrl: `${t.url}${new URL(inbox.webhookUrl).pathname}` }));
    // Signed for another inbox's URL.
    expect401(await postTwilioWebhook(t.url, inbox, params, { signUrl: inbox.webhookUrl.replace(inbox.publicToken, 'another-token') }));
    expect(await contactOf(CAT)).toBeNull();
    expect((await admin.get('/api/conversations')).body.total).toBe(before);
  });

  it('answers 400 and stores nothing for a signed but malformed webhook', async () => {
    const before = (await admin.get('/api/conversations')).body.total;
    const { MessageSid: _m, SmsSid: _s, SmsMessageSid: _x, ...noSid } = text(CAT, 'no sid');
    const noSidRes = await postTwilioWebhook(t.url, inbox, noSid);
    expect(noSidRes.status).toBe(400);
    expect(noSidRes.body.error.code).toBe('malformed_payload');
    expect((await postTwilioWebhook(t.url, inbox, { ...text(CAT, 'media?'), NumMedia: '2' })).status).toBe(400);
    expect((await postTwilioWebhook(t.url, inbox, { ...text(CAT, 'who?'), From: 'client:anonymous' })).status).toBe(400);
    expect(await contactOf(CAT)).toBeNull();
    expect((await admin.get('/api/conversations')).body.total).toBe(before);
  });

  it('retries a send through Twilio 5xx answers, then delivers it', async () => {
    await postTwilioWebhook(t.url, inbox, text(DAN, 'Are you there?'));
    const conv = await conversationOf(DAN);
    const attempts = fake.sendAttempts();
    fake.failNext(2, 503);
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Yes, sorry for the wait' });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    expect(fake.sendAttempts() - attempts).toBe(3);
    expect(sentTo(DAN).map((m) => m.body)).toEqual(['Yes, sorry for the wait']);
    await fake.sendStatus(sent.providerMessageId, 'delivered', { deliverTo: t.url });
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'delivered');
  });

  it('marks a send Twilio refuses as failed with Twilio’s code and reason, and an undelivered one too', async () => {
    const conv = await conversationOf(DAN);
    fake.refuse({ code: 21211, message: `Invalid 'To' Phone Number: ${DAN}` });
    const refused = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'This one is refused' });
    const failed = await messageIn(conv.id, refused.body.id, (m) => m.deliveryStatus === 'failed');
    expect(failed.deliveryError).toContain('Twilio error 21211');
    expect(failed.deliveryError).toContain(`Invalid 'To' Phone Number: ${DAN}`);
    fake.succeed();

    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'This one does not arrive' });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    await fake.sendStatus(sent.providerMessageId, 'undelivered', { deliverTo: t.url, errorCode: '30003' });
    const undelivered = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'failed');
    expect(undelivered.deliveryError).toBe('Twilio error 30003: Unreachable destination handset (phone off or out of coverage) (https://www.twilio.com/docs/errors/30003)');
    await live.waitFor((e) => e.type === 'message.updated' && e.payload.message.id === reply.body.id && e.payload.message.deliveryStatus === 'failed');
  });

  it('STOP records the opt-out and refuses replies; START allows them again; HELP changes nothing', async () => {
    await postTwilioWebhook(t.url, inbox, text(EVE, 'Hello'));
    const conv = await conversationOf(EVE);
    await postTwilioWebhook(t.url, inbox, text(EVE, 'Stop', { optOutType: 'STOP' }));
    const stopped = await contactOf(EVE);
    expect(stopped.identities[0].optedOutAt).not.toBeNull();
    expect((await messagesOf(conv.id))[0]).toMatchObject({ text: 'Stop', direction: 'in' });

    const count = (await messagesOf(conv.id)).length;
    const refused = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'But wait!' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('recipient_opted_out');
    expect(refused.body.error.message).toContain(`${EVE} opted out of messages (replied STOP)`);
    expect((await messagesOf(conv.id)).length).toBe(count);
    expect(sentTo(EVE)).toHaveLength(0);
    // Notes are internal: still fine.
    expect((await admin.post(`/api/conversations/${conv.id}/notes`, { text: 'Customer opted out' })).status).toBe(201);

    await postTwilioWebhook(t.url, inbox, text(EVE, 'help'));
    expect((await contactOf(EVE)).identities[0].optedOutAt).toBe(stopped.identities[0].optedOutAt);
    await postTwilioWebhook(t.url, inbox, text(EVE, 'START'));
    expect((await contactOf(EVE)).identities[0].optedOutAt).toBeNull();
    const allowed = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Welcome back' });
    expect(allowed.status).toBe(201);
    await messageIn(conv.id, allowed.body.id, (m) => m.deliveryStatus === 'sent');
    expect(sentTo(EVE).map((m) => m.body)).toEqual(['Welcome back']);
  });

  it('does not send a reply queued before the customer’s STOP arrived: the send job fails it with the reason', async () => {
    await postTwilioWebhook(t.url, inbox, text(HAL, 'Can you call me back?'));
    const conv = await conversationOf(HAL);
    // The send job waits in the queue (no worker running) while the STOP comes in.
    await t.server.services.jobs.stop();
    let reply;
    try {
      reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Sure, when suits you?' });
      expect(reply).toMatchObject({ status: 201, body: { deliveryStatus: 'queued' } });
      expect((await postTwilioWebhook(t.url, inbox, text(HAL, 'STOP', { optOutType: 'STOP' }))).status).toBe(200);
    } finally {
      t.server.services.jobs.start();
    }
    const failed = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'failed');
    expect(failed.deliveryError).toContain(`${HAL} opted out of messages (replied STOP)`);
    expect(sentTo(HAL)).toHaveLength(0);
    expect(fake.requests.filter((r) => r.method === 'POST' && new URLSearchParams(r.body).get('To') === HAL)).toHaveLength(0);
  });

  it('learns an opt-out from Twilio’s 21610 answer and refuses the next reply', async () => {
    await postTwilioWebhook(t.url, inbox, text(FAY, 'Hi'));
    const conv = await conversationOf(FAY);
    fake.unsubscribe(FAY);
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Hello Fay' });
    const failed = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'failed');
    expect(failed.deliveryError).toMatch(/^Twilio error 21610: Attempt to send to unsubscribed recipient/);
    expect((await contactOf(FAY)).identities[0].optedOutAt).not.toBeNull();
    expect((await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Again' })).status).toBe(409);
    expect((await admin.post(`/api/messages/${reply.body.id}/retry`)).body.error.code).toBe('recipient_opted_out');
  });

  it('downloads MMS media into an attachment with the account’s credentials', async () => {
    const url = fake.addMedia(JPEG, 'image/jpeg');
    const r = await postTwilioWebhook(t.url, inbox, text(ADA, '', { media: [{ url, contentType: 'image/jpeg' }] }));
    expect(r.body).toMatchObject({ received: 1 });
    const conv = await conversationOf(ADA);
    const message = (await messagesOf(conv.id)).find((m) => m.attachments.length === 1);
    expect(message.attachments[0]).toMatchObject({ contentType: 'image/jpeg', name: expect.stringMatching(/^ME[0-9a-f]{32}\.jpg$/) });
    const file = await eventually(async () => {
      const res = await fetch(t.url + message.attachments[0].url, { headers: { cookie: admin.cookie! } });
      return res.status === 200 ? res : null;
    }, 20_000);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(JPEG);
    const download = fake.requests.find((q) => q.method === 'GET' && q.path === new URL(url).pathname);
    expect(download?.headers.authorization).toMatch(/^Basic /);
  });

  it('sends agent attachments as MediaUrls Twilio can fetch: signed, expiring links under PUBLIC_URL', async () => {
    const conv = await conversationOf(ADA);
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Here is your label', attachments: [{ name: 'label.jpg', contentType: 'image/jpeg', contentBase64: JPEG.toString('base64') }] });
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    const sent = sentTo(ADA).at(-1)!;
    expect(sent.body).toBe('Here is your label');
    expect(sent.mediaUrl).toHaveLength(1);
    const link = new URL(sent.mediaUrl[0]!);
    expect(`${link.origin}`).toBe(new URL(inbox.webhookUrl).origin);
    expect(link.pathname).toBe(`/media/${reply.body.attachments[0].id}/label.jpg`);
    // Twilio fetching it (through the proxy in front of the server): no session needed.
    const fetched = await fetch(`${t.url}${link.pathname}${link.search}`);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(JPEG);
    const forged = new URL(link);
    forged.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await fetch(`${t.url}${forged.pathname}${forged.search}`)).status).toBe(404);
    expect((await fetch(`${t.url}${link.pathname}`)).status).toBe(404);
  });

  it('refuses a reply whose files are over what MMS takes (5 MB in all) with 413, storing nothing; a note may keep them', async () => {
    const conv = await conversationOf(ADA);
    const session = (await admin.get('/api/session')).body;
    expect(session.limits.channels.sms).toEqual({ attachmentMaxBytes: 5 * 1024 * 1024, messageAttachmentsMaxBytes: 5 * 1024 * 1024, messageAttachmentsMaxCount: 10 });
    expect(session.limits.attachmentMaxBytes).toBeGreaterThan(5 * 1024 * 1024);
    const count = (await messagesOf(conv.id)).length;
    const sentBefore = sentTo(ADA).length;
    const files = ['a.pdf', 'b.pdf'].map((name) => ({ name, contentType: 'application/pdf', contentBase64: Buffer.alloc(3 * 1024 * 1024, 1).toString('base64') }));
    const refused = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Both forms', attachments: files });
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('on sms') });
    expect((await messagesOf(conv.id)).length).toBe(count);
    // A note is not sent through Twilio: the server's own limits apply.
    expect((await admin.post(`/api/conversations/${conv.id}/notes`, { text: 'The forms', attachments: files })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 200));
    expect(sentTo(ADA).length).toBe(sentBefore);
  });

  it('ignores status callbacks for messages it does not know, and answers 404 for an unknown inbox', async () => {
    const r = await postTwilioWebhook(t.url, inbox, { MessageSid: twilioSid('SM'), MessageStatus: 'delivered', AccountSid: TEST_TWILIO_ACCOUNT_SID, To: ADA, From: TEST_TWILIO_NUMBER });
    expect(r).toMatchObject({ status: 200, body: { received: 0, statuses: 0 } });
    const unknown = { ...inbox, webhookUrl: inbox.webhookUrl.replace(inbox.publicToken, 'nope') };
    expect((await postTwilioWebhook(t.url, unknown, text(ADA, 'x'))).status).toBe(404);
  });

  it('disconnects: after DELETE the webhook URL answers 404', async () => {
    const other = await createTwilioInbox(admin, fake, 'sms', 'Temporary');
    expect((await postTwilioWebhook(t.url, other, text(ADA, 'to the temporary inbox'))).status).toBe(200);
    expect((await admin.delete(`/api/inboxes/${other.id}`)).status).toBe(204);
    expect((await postTwilioWebhook(t.url, other, text(ADA, 'after disconnect'))).status).toBe(404);
  });
});
