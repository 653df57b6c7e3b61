import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTwilioFake, TEST_TWILIO_NUMBER, twilioInboundParams, type TwilioFake } from '@switchboard/channels/testing';
import { ApiClient, setupAdmin } from './support/api.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createTwilioInbox, postTwilioWebhook, twilioCredentials, type TwilioInbox } from './support/twilio.ts';
import { eventually } from './support/webhook-receiver.ts';

const ADA = '+14155552681';
const BEN = '+4915112345678';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe.each(storageModes())('Twilio WhatsApp end to end (%s)', (mode) => {
  let t: TestServer;
  let fake: TwilioFake;
  let admin: ApiClient;
  let sms: TwilioInbox;
  let whatsapp: TwilioInbox;

  beforeAll(async () => {
    fake = await startTwilioFake();
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    sms = await createTwilioInbox(admin, fake, 'sms');
    whatsapp = await createTwilioInbox(admin, fake, 'whatsapp');
  }, 300_000); // starts a server on a fresh database: generous on a busy machine
  afterAll(async () => {
    await t?.stop();
    await fake?.close();
  });

  const contactsOf = async (phone: string) => (await admin.get(`/api/contacts?q=${encodeURIComponent(phone)}`)).body.items as any[];
  const conversationIn = async (inbox: TwilioInbox, contactId: string) => (await admin.get(`/api/conversations?contactId=${contactId}&inboxId=${inbox.id}`)).body.items[0];
  const messageIn = (conversationId: string, id: string, pred: (m: any) => boolean) =>
    eventually(async () => (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items.find((m: any) => m.id === id && pred(m)), 20_000);

  it('needs provider: twilio in the credentials (the kind is shared with WhatsApp Cloud, the default)', async () => {
    const { provider: _p, ...withoutProvider } = twilioCredentials('whatsapp');
    const r = await admin.post('/api/inboxes', { kind: 'whatsapp', name: 'No provider', credentials: withoutProvider, settings: { apiBaseUrl: fake.url } });
    expect(r.status).toBe(400);
    // Read as Cloud API credentials, which these are not.
    expect(r.body.error.details.fieldErrors).toHaveProperty('credentials.phoneNumberId');
    expect(whatsapp.webhookUrl).toMatch(new RegExp(`/webhooks/whatsapp/${whatsapp.publicToken}$`));
    expect((await admin.post(`/api/inboxes/${whatsapp.id}/test-connection`)).body).toMatchObject({ ok: true });
  });

  it('someone who texts by SMS and then writes on WhatsApp from the same number is one contact with both conversations', async () => {
    expect((await postTwilioWebhook(t.url, sms, twilioInboundParams({ from: ADA, body: 'SMS: my order?' }))).body).toMatchObject({ received: 1 });
    expect((await postTwilioWebhook(t.url, whatsapp, twilioInboundParams({ channel: 'whatsapp', from: ADA, body: 'WhatsApp: any news?', profileName: 'Ada W.' }))).body).toMatchObject({ received: 1 });
    const contacts = await contactsOf(ADA);
    expect(contacts).toHaveLength(1);
    const [contact] = contacts;
    expect(contact.identities).toMatchObject([{ kind: 'phone', address: ADA }]);
    const conversations = (await admin.get(`/api/contacts/${contact.id}/conversations`)).body.items as any[];
    expect(conversations.map((c) => c.inboxId).sort()).toEqual([sms.id, whatsapp.id].sort());
    expect(conversations.map((c) => c.lastMessagePreview).sort()).toEqual(['SMS: my order?', 'WhatsApp: any news?']);
  });

  it('replies on WhatsApp to whatsapp:+… from the WhatsApp sender; delivered, then read', async () => {
    const [contact] = await contactsOf(ADA);
    const conv = await conversationIn(whatsapp, contact.id);
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'On its way 🚚' });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    const twilioMessage = fake.messages.find((m) => m.sid === sent.providerMessageId);
    expect(twilioMessage).toMatchObject({ to: `whatsapp:${ADA}`, from: `whatsapp:${TEST_TWILIO_NUMBER}`, body: 'On its way 🚚', statusCallback: whatsapp.webhookUrl });
    await fake.sendStatus(sent.providerMessageId, 'delivered', { deliverTo: t.url });
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'delivered');
    await fake.sendStatus(sent.providerMessageId, 'read', { deliverTo: t.url });
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'read');
    // The SMS conversation's reply still goes out as SMS.
    const smsConv = await conversationIn(sms, contact.id);
    const smsReply = await admin.post(`/api/conversations/${smsConv.id}/messages`, { text: 'Also by SMS' });
    const smsSent = await messageIn(smsConv.id, smsReply.body.id, (m) => m.deliveryStatus === 'sent');
    expect(fake.messages.find((m) => m.sid === smsSent.providerMessageId)).toMatchObject({ to: ADA, from: TEST_TWILIO_NUMBER });
  });

  it('an SMS STOP stops SMS replies only: the same number still gets WhatsApp replies; START by SMS lifts it', async () => {
    const DEE = '+14155552683';
    await postTwilioWebhook(t.url, whatsapp, twilioInboundParams({ channel: 'whatsapp', from: DEE, body: 'Hi on WhatsApp', profileName: 'Dee' }));
    await postTwilioWebhook(t.url, sms, twilioInboundParams({ from: DEE, body: 'STOP', optOutType: 'STOP' }));
    const [contact] = await contactsOf(DEE);
    expect(contact.identities).toMatchObject([{ kind: 'phone', address: DEE }]);
    expect(contact.identities[0].optedOutAt).not.toBeNull();
    const smsConv = await conversationIn(sms, contact.id);
    const refused = await admin.post(`/api/conversations/${smsConv.id}/messages`, { text: 'By SMS?' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('recipient_opted_out');
    const waConv = await conversationIn(whatsapp, contact.id);
    const reply = await admin.post(`/api/conversations/${waConv.id}/messages`, { text: 'Still here on WhatsApp' });
    expect(reply.status).toBe(201);
    const sent = await messageIn(waConv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    expect(fake.messages.find((m) => m.sid === sent.providerMessageId)).toMatchObject({ to: `whatsapp:${DEE}`, body: 'Still here on WhatsApp' });
    await postTwilioWebhook(t.url, sms, twilioInboundParams({ from: DEE, body: 'START', optOutType: 'START' }));
    expect((await contactsOf(DEE))[0].identities[0].optedOutAt).toBeNull();
    expect((await admin.post(`/api/conversations/${smsConv.id}/messages`, { text: 'Welcome back' })).status).toBe(201);
  });

  it('shows Twilio’s reason when WhatsApp refuses a message outside the 24-hour window', async () => {
    const [contact] = await contactsOf(ADA);
    const conv = await conversationIn(whatsapp, contact.id);
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Late answer' });
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    await fake.sendStatus(sent.providerMessageId, 'failed', { deliverTo: t.url, errorCode: '63016' });
    const failed = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'failed');
    expect(failed.deliveryError).toMatch(/^Twilio error 63016: Outside the WhatsApp 24-hour window/);
  });

  it('outside the 24-hour window refuses free text (422) and sends an approved Content template, delivered', async () => {
    const CAL = '+14155552682';
    const contentSid = fake.addContent('Hi {{1}}, your order {{2}} has shipped.');
    await postTwilioWebhook(t.url, whatsapp, twilioInboundParams({ channel: 'whatsapp', from: CAL, body: 'Any news on my order?', profileName: 'Cal' }));
    const [contact] = await contactsOf(CAL);
    const conv = await conversationIn(whatsapp, contact.id);
    // The customer wrote 25 hours ago (Twilio's webhooks carry no time: the stored message is dated back).
    await t.db.prisma.$executeRawUnsafe(`UPDATE "Message" SET "createdAt" = now() - interval '25 hours' WHERE "conversationId" = $1::uuid`, conv.id);
    const sentBefore = fake.messages.length;
    const late = await admin.post(`/api/conversations/${conv.id}/messages`, { text: 'Sorry for the wait' });
    expect(late.status).toBe(422);
    expect(late.body.error).toMatchObject({ code: 'outside_reply_window', details: { windowHours: 24, templates: true } });

    // The admin names the template in the inbox settings; agents send it by that name.
    const settings = (await admin.get(`/api/inboxes/${whatsapp.id}`)).body.settings;
    const saved = await admin.patch(`/api/inboxes/${whatsapp.id}`, { settings: { ...settings, contentTemplates: { order_shipped: contentSid } } });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const template = { name: 'order_shipped', language: 'en', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Cal' }, { type: 'text', text: '#4711' }] }] };
    const reply = await admin.post(`/api/conversations/${conv.id}/messages`, { template });
    expect(reply.status).toBe(201);
    const sent = await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'sent');
    expect(fake.messages.slice(sentBefore)).toEqual([
      expect.objectContaining({ sid: sent.providerMessageId, to: `whatsapp:${CAL}`, contentSid, contentVariables: { 1: 'Cal', 2: '#4711' }, body: 'Hi Cal, your order #4711 has shipped.' }),
    ]);
    await fake.sendStatus(sent.providerMessageId, 'delivered', { deliverTo: t.url });
    await messageIn(conv.id, reply.body.id, (m) => m.deliveryStatus === 'delivered');

    // A name nobody mapped fails with the reason, nothing sent.
    const unknown = await admin.post(`/api/conversations/${conv.id}/messages`, { template: { name: 'no_such_template', language: 'en' } });
    const failed = await messageIn(conv.id, unknown.body.id, (m) => m.deliveryStatus === 'failed');
    expect(failed.deliveryError).toMatch(/No Twilio Content template "no_such_template" \(en\)/);
    expect(fake.messages.length).toBe(sentBefore + 1);
  });

  it('downloads a WhatsApp image into an attachment and names the sender', async () => {
    const url = fake.addMedia(PNG, 'image/png');
    const params = twilioInboundParams({ channel: 'whatsapp', from: BEN, body: 'Photo of the damage', profileName: 'Ben', media: [{ url, contentType: 'image/png' }] });
    expect((await postTwilioWebhook(t.url, whatsapp, params)).body).toMatchObject({ received: 1 });
    const [contact] = await contactsOf(BEN);
    expect(contact).toMatchObject({ name: 'Ben', identities: [{ kind: 'phone', address: BEN }] });
    const conv = await conversationIn(whatsapp, contact.id);
    const message = (await admin.get(`/api/conversations/${conv.id}/messages`)).body.items[0];
    expect(message).toMatchObject({ text: 'Photo of the damage', metadata: { twilio: { channel: 'whatsapp', profileName: 'Ben' } } });
    const file = await eventually(async () => {
      const res = await fetch(t.url + message.attachments[0].url, { headers: { cookie: admin.cookie! } });
      return res.status === 200 ? res : null;
    }, 20_000);
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);
  });

  it('answers 401 for a WhatsApp webhook signed with another token, and stores nothing', async () => {
    const params = twilioInboundParams({ channel: 'whatsapp', from: '+14155552689', body: 'forged' });
    const r = await postTwilioWebhook(t.url, whatsapp, params, { authToken: 'another-auth-token-0123456789' });
    expect(r.status).toBe(401);
    expect(await contactsOf('+14155552689')).toEqual([]);
  });
});
