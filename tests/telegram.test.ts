import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTelegramFake, telegramUserMessage, type TelegramFake } from '@switchboard/channels/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';
import { syncStateOf } from './support/email.ts';
import { refusingMessage } from './support/faults.ts';

// Telegram only calls HTTPS webhooks: PUBLIC_URL is an HTTPS proxy in front of the test server.
const PUBLIC_URL = 'https://support.example.test';
const polling = { discoverMs: 200, pollTimeoutSeconds: 2, backoffMinMs: 100, backoffMaxMs: 500, leaseMs: 3_000, leaseRetryMs: 200 };

const ada = { id: 5_550_001, first_name: 'Ada', last_name: 'Lovelace', username: 'ada_l' };
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

describe.each(storageModes())('Telegram channel (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  /** The bot behind the webhook-mode inbox, and the one behind the polling-mode inbox. */
  let bot: TelegramFake;
  let pollingBot: TelegramFake;
  let inbox: { id: string; publicToken: string; webhookUrl: string };

  const toServer = (url: string) => url.replace(PUBLIC_URL, t.url);
  const createInbox = (fake: TelegramFake, settings: Record<string, unknown> = {}, name = 'Telegram') =>
    admin.post('/api/inboxes', { kind: 'telegram', name, credentials: { botToken: fake.token }, settings: { apiBaseUrl: fake.url, ...settings } });
  const conversations = async (inboxId: string) => (await admin.get(`/api/conversations?inboxId=${inboxId}&limit=100`)).body.items as any[];
  const messagesOf = async (conversationId: string) => (await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items as any[];
  const inboxCount = async () => ((await admin.get('/api/inboxes')).body as unknown[]).length;
  const conversationOf = (inboxId: string, contactName: string) =>
    eventually(async () => (await conversations(inboxId)).find((c) => c.contact.name === contactName));
  const reply = async (conversationId: string, body: Record<string, unknown>) => {
    const sent = await admin.post(`/api/conversations/${conversationId}/messages`, body);
    expect(sent.status).toBe(201);
    return sent.body as { id: string };
  };
  const settled = (conversationId: string, id: string) =>
    eventually(async () => (await messagesOf(conversationId)).find((m) => m.id === id && m.deliveryStatus !== 'queued'), 30_000);

  beforeAll(async () => {
    t = await startTestServer(mode, { env: { PUBLIC_URL }, telegramPolling: polling });
    admin = await setupAdmin(t.url);
    bot = await startTelegramFake({ requireHttps: true, webhookTarget: toServer });
    pollingBot = await startTelegramFake();
  });
  afterAll(async () => {
    await t?.stop();
    await bot?.close();
    await pollingBot?.close();
  });

  describe('webhook mode', () => {
    it('refuses a wrong bot token or a refused webhook with connection_failed and saves nothing', async () => {
      const before = await inboxCount();
      const wrong = await admin.post('/api/inboxes', { kind: 'telegram', name: 'X', credentials: { botToken: '1:notthebottoken' }, settings: { apiBaseUrl: bot.url } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'auth_failed' } });
      bot.failNext('setWebhook', { status: 400, description: 'Bad Request: bad webhook: Failed to resolve host' });
      const refused = await createInbox(bot);
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'webhook_rejected' } });
      expect(refused.body.error.message).toContain('Bad Request: bad webhook: Failed to resolve host');
      expect(await inboxCount()).toBe(before);
      expect(bot.webhook).toBeNull();
    });

    it('registers its webhook URL and secret with Telegram on connect', async () => {
      const r = await createInbox(bot);
      expect(r.status).toBe(201);
      inbox = r.body;
      expect(inbox.webhookUrl).toBe(`${PUBLIC_URL}/webhooks/telegram/${inbox.publicToken}`);
      expect(bot.webhook).toMatchObject({ url: inbox.webhookUrl, allowedUpdates: ['message', 'edited_message'] });
      expect(bot.webhook?.secretToken).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
      expect(JSON.stringify(r.body)).not.toContain(bot.webhook?.secretToken);
      expect(JSON.stringify(r.body)).not.toContain(bot.token);
      const tested = await admin.post(`/api/inboxes/${inbox.id}/test-connection`);
      expect(tested.body).toEqual({ ok: true, details: { botId: bot.bot.id, username: bot.bot.username, name: bot.bot.first_name } });
    });

    it('inbound text → conversation on the Telegram contact → agent reply → sendMessage → sent', async () => {
      const delivered = await bot.pushUpdate({ message: telegramUserMessage(ada, { text: 'Hi, where is my parcel?' }) });
      expect(delivered.status).toBe(200);
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      expect(conv).toMatchObject({ status: 'open', lastMessagePreview: 'Hi, where is my parcel?' });
      const contact = (await admin.get(`/api/contacts/${conv.contact.id}`)).body;
      expect(contact.identities).toEqual([expect.objectContaining({ kind: 'telegram', address: String(ada.id) })]);

      const sent = await reply(conv.id, { text: 'It left our warehouse today.' });
      const done = await settled(conv.id, sent.id);
      expect(done).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });
      const out = bot.sent.at(-1)!;
      expect(out).toMatchObject({ method: 'sendMessage', chatId: String(ada.id), text: 'It left our warehouse today.' });
      expect(done.providerMessageId).toBe(`${ada.id}:${out.messageId}`);
    });

    it("a group's conversation is the group's: the member's next private message goes to their private conversation", async () => {
      const privateConv = await conversationOf(inbox.id, 'Ada Lovelace');
      const group = { id: -100_777, type: 'supergroup', title: 'Parcel club' };
      expect((await bot.pushUpdate({ message: telegramUserMessage(ada, { chat: group, text: 'Hello group', date: Math.ceil(Date.now() / 1000) + 1 }) })).status).toBe(200);
      const groupConv = await eventually(async () => (await conversations(inbox.id)).find((c) => c.lastMessagePreview === 'Hello group'));
      expect(groupConv.id).not.toBe(privateConv.id);
      // The group's conversation is now Ada's newest (its date rounded up: Telegram's dates are whole seconds, and
      // a date ahead of the server's clock counts as now); a private message still belongs to her private one.
      expect((await bot.pushUpdate({ message: telegramUserMessage(ada, { text: 'Just between us' }) })).status).toBe(200);
      await eventually(async () => (await messagesOf(privateConv.id)).some((m) => m.text === 'Just between us'));
      expect((await messagesOf(groupConv.id)).map((m) => m.text)).toEqual(['Hello group']);
      const sent = await reply(privateConv.id, { text: 'Only you read this.' });
      expect(await settled(privateConv.id, sent.id)).toMatchObject({ deliveryStatus: 'sent' });
      expect(bot.sent.at(-1)).toMatchObject({ method: 'sendMessage', chatId: String(ada.id), text: 'Only you read this.' });
    });

    it('answers a redelivered update 401 replayed, storing nothing; Telegram\'s retry of an update answered 5xx is stored once', async () => {
      const { update } = await bot.pushUpdate({ message: telegramUserMessage(ada, { text: 'once only' }) });
      const again = await bot.postToWebhook(update);
      expect(again.status).toBe(401);
      expect(JSON.parse(again.body).error).toMatchObject({ code: 'invalid_signature', details: { reason: 'replayed' } });
      // The update id decides, whatever the body says.
      const altered = await bot.postToWebhook({ ...update, message: { ...(update.message as object), text: 'altered' } });
      expect(altered.status).toBe(401);
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      expect((await messagesOf(conv.id)).filter((m) => m.text === 'once only' || m.text === 'altered').map((m) => m.text)).toEqual(['once only']);

      const failed = await refusingMessage(t.db, 'second try', () => bot.pushUpdate({ message: telegramUserMessage(ada, { text: 'second try' }) }));
      expect(failed.status).toBe(500);
      expect((await messagesOf(conv.id)).some((m) => m.text === 'second try')).toBe(false);
      const retry = await bot.postToWebhook(failed.update);
      expect([retry.status, JSON.parse(retry.body).received]).toEqual([200, 1]);
      expect((await bot.postToWebhook(failed.update)).status).toBe(401);
      expect((await messagesOf(conv.id)).filter((m) => m.text === 'second try')).toHaveLength(1);
    });

    it('answers a missing or wrong secret with 401 and a malformed update with 400, storing nothing', async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const count = (await messagesOf(conv.id)).length;
      const update = { update_id: 1, message: telegramUserMessage(ada, { text: 'forged' }) };
      const missing = await bot.postToWebhook(update, { secretToken: null });
      const wrong = await bot.postToWebhook(update, { secretToken: 'not-the-secret' });
      expect([missing.status, wrong.status]).toEqual([401, 401]);
      expect(JSON.parse(wrong.body).error.code).toBe('invalid_signature');
      const malformed = await bot.postToWebhook(null, { rawBody: '{"update_id": 2, "message": {"chat": 1' });
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.body).error.code).toBe('malformed_payload');
      const invalid = await bot.postToWebhook({ update_id: 3, message: { message_id: 'x' } });
      expect(invalid.status).toBe(400);
      expect((await messagesOf(conv.id)).length).toBe(count);
    });

    it('downloads an inbound photo (largest size) through getFile: the bytes match', async () => {
      const big = bot.addFile(PNG, { path: 'photos/file_1.png' });
      const thumb = bot.addFile(PNG.subarray(0, 8), { path: 'photos/file_0.png' });
      const photo = [
        { ...thumb, width: 90, height: 90 },
        { ...big, width: 800, height: 800 },
      ];
      await bot.pushUpdate({ message: telegramUserMessage(ada, { photo, caption: 'the damaged box' }) });
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const message = await eventually(async () => (await messagesOf(conv.id)).find((m) => m.text === 'the damaged box'));
      expect(message.attachments).toEqual([expect.objectContaining({ name: `photo-${big.file_unique_id}.jpg`, contentType: 'image/jpeg' })]);
      const res = await eventually(async () => {
        const r = await fetch(t.url + message.attachments[0].url, { headers: { cookie: admin.cookie! } });
        return r.status === 200 ? r : null;
      });
      expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
      expect(bot.callsOf('getFile').map((c) => c.params.file_id)).toEqual([big.file_id]);
    });

    it('sends agent attachments as multipart sendPhoto / sendDocument uploads', async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const pdf = Buffer.from('%PDF-1.4\n% label\n');
      const before = bot.sent.length;
      const photo = await reply(conv.id, { text: 'Your label', attachments: [{ name: 'label.png', contentType: 'image/png', contentBase64: PNG.toString('base64') }] });
      expect(await settled(conv.id, photo.id)).toMatchObject({ deliveryStatus: 'sent' });
      const both = await reply(conv.id, {
        text: 'Invoice and photo attached',
        attachments: [
          { name: 'invoice.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64') },
          { name: 'box.png', contentType: 'image/png', contentBase64: PNG.toString('base64') },
        ],
      });
      expect(await settled(conv.id, both.id)).toMatchObject({ deliveryStatus: 'sent' });
      const sent = bot.sent.slice(before);
      expect(sent.map((s) => [s.method, s.text ?? s.caption ?? null])).toEqual([
        ['sendPhoto', 'Your label'],
        ['sendMessage', 'Invoice and photo attached'],
        ['sendDocument', null],
        ['sendPhoto', null],
      ]);
      const file = (i: number) => sent[i]!.file as { name: string; bytes: Uint8Array };
      expect([file(0).name, Buffer.from(file(0).bytes)]).toEqual(['label.png', PNG]);
      expect([file(2).name, Buffer.from(file(2).bytes)]).toEqual(['invoice.pdf', pdf]);
      expect([file(3).name, Buffer.from(file(3).bytes)]).toEqual(['box.png', PNG]);
      expect(bot.requests.filter((r) => /\/send(Photo|Document)$/.test(r.path)).every((r) => r.headers['content-type']?.startsWith('multipart/form-data'))).toBe(true);
    });

    it('a retry after a partly sent reply sends only the parts still missing: the customer gets the text once', async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const pdf = Buffer.from('%PDF-1.4\n% return form\n');
      const before = bot.sent.length;
      const documentTries = bot.callsOf('sendDocument').length;
      // The text goes out, then the first file fails with a 502: the job retries.
      bot.failNext('sendDocument', { status: 502, description: 'Bad Gateway' });
      const partly = await reply(conv.id, {
        text: 'Return form and label',
        attachments: [
          { name: 'form.pdf', contentType: 'application/pdf', contentBase64: pdf.toString('base64') },
          { name: 'label.png', contentType: 'image/png', contentBase64: PNG.toString('base64') },
        ],
      });
      expect(await settled(conv.id, partly.id)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });
      expect(bot.callsOf('sendDocument').length - documentTries).toBe(2);
      expect(bot.sent.slice(before).map((s) => [s.method, s.text ?? s.caption ?? null])).toEqual([
        ['sendMessage', 'Return form and label'],
        ['sendDocument', null],
        ['sendPhoto', null],
      ]);
      const stored = (await messagesOf(conv.id)).find((m) => m.id === partly.id);
      expect(Object.keys(stored.metadata.sentParts)).toEqual(['0', '1', '2']);
      expect(stored.providerMessageId).toBe(stored.metadata.sentParts['0']);
    });

    it('retries a 5xx from Telegram, then sends', async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const tries = bot.callsOf('sendMessage').length;
      bot.failNext('sendMessage', { status: 502, description: 'Bad Gateway' }, 2);
      const sent = await reply(conv.id, { text: 'Third time lucky' });
      expect(await settled(conv.id, sent.id)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });
      expect(bot.callsOf('sendMessage').length - tries).toBe(3);
      expect(bot.sent.filter((s) => s.text === 'Third time lucky')).toHaveLength(1);
    });

    it("waits as long as Telegram's retry_after says before trying a rate-limited reply again", async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const tries = bot.callsOf('sendMessage').length;
      bot.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 2', retryAfter: 2 });
      const sent = await reply(conv.id, { text: 'After the pause' });
      expect(await settled(conv.id, sent.id)).toMatchObject({ deliveryStatus: 'sent', deliveryError: null });
      const [limited, again] = bot.callsOf('sendMessage').slice(tries);
      // The test server's own backoff is 50 ms: the pause is Telegram's.
      expect(again!.at - limited!.at).toBeGreaterThanOrEqual(2_000);
    });

    it("marks a reply to a user who blocked the bot failed with Telegram's description", async () => {
      const conv = await conversationOf(inbox.id, 'Ada Lovelace');
      const tries = bot.callsOf('sendMessage').length;
      bot.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
      const sent = await reply(conv.id, { text: 'Are you still there?' });
      const failed = await settled(conv.id, sent.id);
      expect(failed.deliveryStatus).toBe('failed');
      expect(failed.deliveryError).toContain('Forbidden: bot was blocked by the user');
      expect(bot.callsOf('sendMessage').length - tries).toBe(1);
    });

    it('reconfiguring: a rejected token changes nothing; switching modes removes and registers the webhook', async () => {
      const secret = bot.webhook?.secretToken;
      const bad = await admin.patch(`/api/inboxes/${inbox.id}`, { credentials: { botToken: '1:revokedrevokedrevoked' } });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'auth_failed' } });
      expect((await admin.post(`/api/inboxes/${inbox.id}/test-connection`)).body.ok).toBe(true); // the stored token is untouched
      expect((await admin.patch(`/api/inboxes/${inbox.id}`, { settings: { mode: 'polling' } })).status).toBe(200);
      expect(bot.webhook).toBeNull();
      expect((await admin.patch(`/api/inboxes/${inbox.id}`, { settings: { mode: 'webhook' } })).status).toBe(200);
      expect(bot.webhook).toMatchObject({ url: inbox.webhookUrl, secretToken: secret });
      expect((await bot.pushUpdate({ message: telegramUserMessage(ada, { text: 'back on the webhook' }) })).status).toBe(200);
    });

    it('deletes the webhook when the inbox is deleted', async () => {
      const removed = await admin.delete(`/api/inboxes/${inbox.id}`);
      expect(removed.status).toBe(204);
      expect(bot.webhook).toBeNull();
      expect(bot.callsOf('deleteWebhook').at(-1)?.params).toEqual({ drop_pending_updates: false });
    });
  });

  describe('long-polling mode', () => {
    let polled: { id: string };
    const textsIn = async (inboxId: string) => (await Promise.all((await conversations(inboxId)).map((c) => messagesOf(c.id)))).flat().map((m) => m.text).sort();

    it('receives updates through getUpdates without a webhook and saves the offset after storing them', async () => {
      const r = await createInbox(pollingBot, { mode: 'polling' }, 'Telegram (polling)');
      expect(r.status).toBe(201);
      polled = r.body;
      expect(pollingBot.callsOf('deleteWebhook')).toHaveLength(1);
      expect(pollingBot.callsOf('setWebhook')).toHaveLength(0);
      const grace = { id: 5_550_002, first_name: 'Grace', last_name: 'Hopper' };
      const first = await pollingBot.pushUpdate({ message: telegramUserMessage(grace, { text: 'polled one' }) });
      const second = await pollingBot.pushUpdate({ message: telegramUserMessage(grace, { text: 'polled two' }) });
      await eventually(async () => (await textsIn(polled.id)).length === 2);
      expect(await textsIn(polled.id)).toEqual(['polled one', 'polled two']);
      expect((await conversationOf(polled.id, 'Grace Hopper')).contact.name).toBe('Grace Hopper');
      const state = await eventually(async () => {
        const s = await syncStateOf(t, polled.id);
        return s.offset === Number(second.update.update_id) + 1 ? s : null;
      });
      expect(state).toMatchObject({ mode: 'polling', status: 'polling', lastError: null, messagesIngested: 2 });
      expect(Number(first.update.update_id)).toBeLessThan(state.offset);
      const shown = ((await admin.get('/api/inboxes')).body as any[]).find((i) => i.id === polled.id).syncState;
      expect(shown).toMatchObject({ mode: 'polling', offset: state.offset });
      // Webhook calls are refused for a polling inbox.
      expect((await fetch(`${t.url}/webhooks/telegram/${(r.body as { publicToken: string }).publicToken}`, { method: 'POST', body: '{}' })).status).toBe(401);
    });

    it('a restart goes on from the stored offset: updates sent meanwhile arrive once', async () => {
      await t.server.telegram.polling.stop();
      const offset = (await syncStateOf(t, polled.id)).offset as number;
      const linus = { id: 5_550_003, first_name: 'Linus' };
      const meanwhile: number[] = [];
      for (const text of ['while down 1', 'while down 2']) meanwhile.push(Number((await pollingBot.pushUpdate({ message: telegramUserMessage(linus, { text }) })).update.update_id));
      const polls = pollingBot.callsOf('getUpdates').length;
      t.server.telegram.polling.start();
      await eventually(async () => (await textsIn(polled.id)).length === 4);
      expect(pollingBot.callsOf('getUpdates')[polls]?.params.offset).toBe(offset);
      await eventually(async () => (await syncStateOf(t, polled.id)).offset === meanwhile[1]! + 1);
      expect(await textsIn(polled.id)).toEqual(['polled one', 'polled two', 'while down 1', 'while down 2']);
    });

    it('a batch that fails to store is polled again: nothing lost, nothing stored twice', async () => {
      const offset = (await syncStateOf(t, polled.id)).offset as number;
      const mia = { id: 5_550_004, first_name: 'Mia' };
      // An honest storage failure in the middle of a batch: the database refuses one message row.
      await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION sb_refuse_tg() RETURNS trigger AS $$ BEGIN IF NEW.text = 'batch 2' THEN RAISE EXCEPTION 'disk full (test)'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER sb_refuse_tg BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION sb_refuse_tg()`);
      try {
        await t.server.telegram.polling.stop(); // the three updates arrive as one batch
        for (const text of ['batch 1', 'batch 2', 'batch 3']) await pollingBot.pushUpdate({ message: telegramUserMessage(mia, { text }) });
        t.server.telegram.polling.start();
        const failed = await eventually(async () => {
          const s = await syncStateOf(t, polled.id);
          return s.status === 'error' ? s : null;
        });
        expect(failed.lastError).toMatch(/disk full/);
        expect(failed.offset).toBe(offset);
        expect((await textsIn(polled.id)).filter((x) => x.startsWith('batch'))).toEqual(['batch 1']);
      } finally {
        await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER sb_refuse_tg ON "Message"`);
        await t.db.prisma.$executeRawUnsafe(`DROP FUNCTION sb_refuse_tg()`);
      }
      await eventually(async () => (await syncStateOf(t, polled.id)).status === 'polling' && (await textsIn(polled.id)).length === 7);
      expect((await textsIn(polled.id)).filter((x) => x.startsWith('batch'))).toEqual(['batch 1', 'batch 2', 'batch 3']);
      await eventually(async () => pollingBot.pending().length === 0); // confirmed by the next poll's offset
    });
  });
});
