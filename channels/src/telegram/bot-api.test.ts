import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../contract.ts';
import { channelErrorOf, sampleOutboundMessage } from '../testing/fixtures.ts';
import { startTelegramFake, telegramUserMessage, type TelegramFake } from '../testing/telegram-fake.ts';
import { telegramAdapter } from './adapter.ts';
import { telegramTestContext } from './fixtures.ts';
import { pollTelegramUpdates } from './polling.ts';
import { splitTelegramText } from './send.ts';

let fake: TelegramFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(opts: Parameters<typeof startTelegramFake>[0] = {}, mode: 'webhook' | 'polling' = 'webhook') {
  fake = await startTelegramFake(opts);
  const ctx = telegramTestContext({ credentials: { botToken: fake.token }, settings: { apiBaseUrl: fake.url, mode } });
  return { fake, ctx };
}

const reply = (overrides: Partial<OutboundMessage> = {}): OutboundMessage =>
  sampleOutboundMessage({
    contact: { id: 'contact_1', name: 'Ada', identities: [{ kind: 'telegram', address: '4242' }] },
    text: 'Your order ships today.',
    html: null,
    inReplyTo: { providerMessageId: '4242:17' },
    ...overrides,
  });

describe('telegram send', () => {
  it('sends text with sendMessage to the chat of the answered message', async () => {
    const { fake, ctx } = await setup();
    const result = await telegramAdapter.send(reply(), ctx);
    expect(fake.sent).toEqual([{ method: 'sendMessage', chatId: '4242', messageId: 1, text: 'Your order ships today.' }]);
    expect(result).toEqual({ providerMessageId: '4242:1', status: 'sent', metadata: { telegramMessageIds: ['4242:1'] } });
    expect(fake.requests[0]?.path).toBe(`/bot${fake.token}/sendMessage`);
  });

  it('quotes the answered message in a group, and falls back to the contact in a new conversation', async () => {
    const { fake, ctx } = await setup();
    await telegramAdapter.send(reply({ inReplyTo: { providerMessageId: '-100777:33' } }), ctx);
    expect(fake.sent[0]).toMatchObject({ chatId: '-100777', replyParameters: { message_id: 33, allow_sending_without_reply: true } });
    await telegramAdapter.send(reply({ inReplyTo: null }), ctx);
    expect(fake.sent[1]).toMatchObject({ chatId: '4242' });
    expect(fake.sent[1]).not.toHaveProperty('replyParameters');
    const err = await channelErrorOf(telegramAdapter.send(reply({ inReplyTo: null, contact: { id: 'c', name: null, identities: [{ kind: 'email', address: 'a@b.co' }] } }), ctx));
    expect([err.code, err.transient]).toEqual(['invalid_recipient', false]);
  });

  it('uploads an image with sendPhoto (multipart), captioned with a short text', async () => {
    const { fake, ctx } = await setup();
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0, 255]);
    const result = await telegramAdapter.send(reply({ text: 'Here is the label', attachments: [{ name: 'label.jpg', contentType: 'image/jpeg', size: bytes.length, content: bytes }] }), ctx);
    expect(fake.requests[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(fake.sent).toHaveLength(1);
    const [photo] = fake.sent;
    expect(photo).toMatchObject({ method: 'sendPhoto', chatId: '4242', caption: 'Here is the label' });
    expect(photo?.file).toEqual({ field: 'photo', name: 'label.jpg', contentType: 'image/jpeg', bytes });
    expect(result.providerMessageId).toBe('4242:1');
  });

  it('sends other files with sendDocument, after the text when there are several', async () => {
    const { fake, ctx } = await setup();
    const pdf = new TextEncoder().encode('%PDF-1.4 fake');
    const svg = new TextEncoder().encode('<svg/>');
    const result = await telegramAdapter.send(
      reply({
        attachments: [
          { name: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length, content: pdf },
          { name: 'logo.svg', contentType: 'image/svg+xml', size: svg.length, content: svg },
        ],
      }),
      ctx,
    );
    expect(fake.sent.map((s) => [s.method, s.text ?? null, typeof s.file === 'object' ? s.file.name : null])).toEqual([
      ['sendMessage', 'Your order ships today.', null],
      ['sendDocument', null, 'invoice.pdf'],
      ['sendDocument', null, 'logo.svg'],
    ]);
    expect(result.metadata).toEqual({ telegramMessageIds: ['4242:1', '4242:2', '4242:3'] });
  });

  it('splits text longer than 4096 characters', async () => {
    const { fake, ctx } = await setup();
    const long = `${'word '.repeat(1000)}\n${'x'.repeat(3000)}`;
    await telegramAdapter.send(reply({ text: long }), ctx);
    expect(fake.sent.length).toBe(2);
    expect(fake.sent.every((s) => [...(s.text ?? '')].length <= 4096)).toBe(true);
    // Cut at a line break or space (no word split), nothing lost.
    expect(fake.sent[0]?.text).toMatch(/word$/);
    expect(fake.sent.map((s) => s.text).join('').replace(/\s/g, '')).toBe(long.replace(/\s/g, ''));
    expect(splitTelegramText('ab', 4096)).toEqual(['ab']);
    expect(splitTelegramText('abcdef', 2)).toEqual(['ab', 'cd', 'ef']);
  });

  it('turns 5xx, 429 and network failures into transient errors with Telegram\'s description', async () => {
    const { fake, ctx } = await setup();
    fake.failNext('sendMessage', { status: 502, description: 'Bad Gateway' });
    let err = await channelErrorOf(telegramAdapter.send(reply(), ctx));
    expect([err.code, err.transient, err.providerStatus, err.message]).toEqual(['provider_error', true, 502, 'Telegram sendMessage: Bad Gateway']);
    fake.failNext('sendMessage', { status: 429, description: 'Too Many Requests: retry after 7', retryAfter: 7 });
    err = await channelErrorOf(telegramAdapter.send(reply(), ctx));
    expect([err.code, err.transient, err.message]).toEqual(['rate_limited', true, 'Telegram sendMessage: Too Many Requests: retry after 7 (retry after 7 s)']);
    expect(err.retryAfterMs).toBe(7_000);
    await fake.close();
    err = await channelErrorOf(telegramAdapter.send(reply(), ctx));
    expect([err.code, err.transient]).toEqual(['network_error', true]);
    expect(err.message).not.toContain(fake.token);
  });

  it('fails permanently on 400 and 403 with Telegram\'s description', async () => {
    const { fake, ctx } = await setup();
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    let err = await channelErrorOf(telegramAdapter.send(reply(), ctx));
    expect([err.code, err.transient, err.providerStatus, err.message]).toEqual(['rejected', false, 403, 'Telegram sendMessage: Forbidden: bot was blocked by the user']);
    fake.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    err = await channelErrorOf(telegramAdapter.send(reply(), ctx));
    expect([err.code, err.transient]).toEqual(['invalid_recipient', false]);
  });

  it('keeps the bot token out of errors from a non-Telegram answer', async () => {
    const { fake, ctx } = await setup();
    const wrongBase = { ...ctx, settings: { ...ctx.settings, apiBaseUrl: `${fake.url}/proxy` } };
    const err = await channelErrorOf(telegramAdapter.send(reply(), wrongBase));
    expect(err.transient).toBe(false);
    expect(err.message).not.toContain(fake.token);
  });
});

describe('telegram connection', () => {
  it('getMe names the bot; a wrong token is auth_failed, no server is unreachable', async () => {
    const { fake, ctx } = await setup();
    expect(await telegramAdapter.testConnection!(ctx)).toEqual({ ok: true, details: { botId: fake.bot.id, username: 'switchboard_test_bot', name: 'Switchboard Test' } });
    const wrong = { ...ctx, credentials: { ...ctx.credentials, botToken: '1:wrongtokenwrongtoken' } };
    expect(await telegramAdapter.testConnection!(wrong)).toMatchObject({ ok: false, problem: 'auth_failed', message: 'Telegram getMe: Unauthorized' });
    await fake.close();
    expect(await telegramAdapter.testConnection!(ctx)).toMatchObject({ ok: false, problem: 'unreachable' });
  });

  it('connect registers the webhook with the secret; disconnect deletes it', async () => {
    const { fake, ctx } = await setup();
    expect(await telegramAdapter.connect!(ctx)).toMatchObject({ ok: true });
    expect(fake.webhook).toEqual({ url: ctx.webhookUrl, secretToken: ctx.credentials.webhookSecret, allowedUpdates: ['message', 'edited_message'] });
    expect(await telegramAdapter.disconnect!(ctx)).toEqual({ ok: true });
    expect(fake.webhook).toBeNull();
    expect(fake.callsOf('deleteWebhook')[0]?.params).toEqual({ drop_pending_updates: false });
  });

  it('connect in polling mode removes a webhook; a refused webhook URL is reported', async () => {
    const { fake, ctx } = await setup({ requireHttps: true });
    const http = { ...ctx, webhookUrl: 'http://switchboard.local/webhooks/telegram/pub' };
    expect(await telegramAdapter.connect!(http)).toEqual({
      ok: false,
      problem: 'webhook_rejected',
      message: 'Telegram setWebhook: Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
    });
    await telegramAdapter.connect!(ctx);
    expect(fake.webhook).not.toBeNull();
    expect(await telegramAdapter.connect!({ ...ctx, settings: { ...ctx.settings, mode: 'polling' } })).toEqual({ ok: true, details: { mode: 'polling' } });
    expect(fake.webhook).toBeNull();
  });
});

describe('telegram files and polling', () => {
  it('downloads a file by its reference through getFile, without the token in the reference', async () => {
    const { fake, ctx } = await setup();
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    const file = fake.addFile(bytes, { path: 'photos/file_9.jpg' });
    const res = await telegramAdapter.fetchAttachment!(`telegram-file:${file.file_id}`, ctx);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect(fake.requests.at(-1)?.path).toBe(`/file/bot${fake.token}/photos/file_9.jpg`);
    const err = await channelErrorOf(telegramAdapter.fetchAttachment!('telegram-file:unknown', ctx));
    expect([err.transient, err.message]).toEqual([false, 'Telegram getFile: Bad Request: invalid file_id']);
    fake.failNext('getFile', { status: 500, description: 'Internal Server Error' });
    expect((await channelErrorOf(telegramAdapter.fetchAttachment!(`telegram-file:${file.file_id}`, ctx))).transient).toBe(true);
  });

  it('getUpdates returns pending updates from the offset and waits for new ones', async () => {
    const { fake, ctx } = await setup({}, 'polling');
    const first = await fake.pushUpdate({ message: telegramUserMessage({ id: 5 }, { text: 'one' }) });
    await fake.pushUpdate({ message: { bad: true } });
    const batch = await pollTelegramUpdates(ctx, { offset: null, timeoutSeconds: 0 });
    expect(batch.map((u) => u.updateId)).toEqual([first.update.update_id, Number(first.update.update_id) + 1]);
    expect('parsed' in batch[0]! && batch[0].parsed.messages[0]?.text).toBe('one');
    expect('error' in batch[1]! && batch[1].error.code).toBe('malformed_payload');
    const offset = batch[1]!.updateId + 1;
    const waiting = pollTelegramUpdates(ctx, { offset, timeoutSeconds: 20 });
    await new Promise((r) => setTimeout(r, 100));
    const later = await fake.pushUpdate({ message: telegramUserMessage({ id: 5 }, { text: 'two' }) });
    expect((await waiting).map((u) => u.updateId)).toEqual([later.update.update_id]);
    expect(fake.pending()).toHaveLength(1); // confirmed only by the next offset
  });

  it('getUpdates while a webhook is set is a permanent conflict', async () => {
    const { ctx } = await setup();
    await telegramAdapter.connect!(ctx);
    const err = await channelErrorOf(pollTelegramUpdates(ctx, { offset: null, timeoutSeconds: 0 }));
    expect([err.providerStatus, err.transient]).toEqual([409, false]);
    expect(err.message).toMatch(/webhook is active/);
  });
});
