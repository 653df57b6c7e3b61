import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError, type ParsedInbound } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { telegramAdapter } from './adapter.ts';
import { telegramTestContext, telegramWebhookRequest, TEST_TELEGRAM_SECRET } from './fixtures.ts';
import { parseTelegramMessageId, parseTelegramUpdate } from './parse.ts';
import { telegramCredentialsSchema, telegramSettingsSchema } from './schema.ts';
import { TELEGRAM_SECRET_HEADER } from './verify.ts';

const ada = { id: 4242, is_bot: false, first_name: 'Ada', last_name: 'Lovelace', username: 'ada_l', language_code: 'en' };
const privateChat = { id: 4242, type: 'private', first_name: 'Ada' };
const textUpdate = { update_id: 900001, message: { message_id: 17, from: ada, chat: privateChat, date: 1_735_689_600, text: 'Hello bot' } };

runAdapterContractSuite('telegram', {
  adapter: telegramAdapter,
  context: (o) => telegramTestContext(o),
  outboundMessage: () =>
    sampleOutboundMessage({
      contact: { id: 'contact_1', name: 'Ada', identities: [{ kind: 'telegram', address: '4242' }] },
      inReplyTo: { providerMessageId: '4242:17' },
    }),
  successResponse: { status: 200, body: { ok: true, result: { message_id: 18, chat: { id: 4242, type: 'private' }, date: 1_735_689_700, text: 'x' } } },
  validRequest: () => telegramWebhookRequest(textUpdate),
  // Telegram signs nothing: the secret token is the only authenticated part, so tampering means a changed token.
  tamper: (req) => ({ ...req, headers: { ...req.headers, [TELEGRAM_SECRET_HEADER]: `${TEST_TELEGRAM_SECRET.slice(0, -1)}X` } }),
  unsigned: (req) => {
    const headers = { ...req.headers };
    delete headers[TELEGRAM_SECRET_HEADER];
    return { ...req, headers };
  },
  malformedRequest: () => telegramWebhookRequest({ update_id: 900002, message: { message_id: 'x', chat: {} } }),
});

const ctx = telegramTestContext();
const parse = (update: unknown): ParsedInbound => parseTelegramUpdate(update);
const only = (update: unknown) => {
  const { messages } = parse(update);
  expect(messages).toHaveLength(1);
  return messages[0]!;
};

describe('telegram adapter: secret token', () => {
  it('accepts only the exact secret, and nothing in polling mode', async () => {
    const req = telegramWebhookRequest(textUpdate);
    expect(await telegramAdapter.verify(req, ctx)).toEqual({ ok: true });
    expect(await telegramAdapter.verify(telegramWebhookRequest(textUpdate, { secret: null }), ctx)).toEqual({ ok: false, reason: 'missing X-Telegram-Bot-Api-Secret-Token' });
    for (const wrong of ['', `${TEST_TELEGRAM_SECRET} `, TEST_TELEGRAM_SECRET.slice(1), TEST_TELEGRAM_SECRET.toUpperCase(), 'x'.repeat(256)]) {
      expect((await telegramAdapter.verify(telegramWebhookRequest(textUpdate, { secret: wrong }), ctx)).ok).toBe(false);
    }
    const polling = telegramTestContext({ settings: { mode: 'polling' } });
    expect((await telegramAdapter.verify(req, polling)).ok).toBe(false);
  });
});

describe('telegram adapter: replay key', () => {
  it('is the update_id: a redelivered update has the same key whatever its body, another update another key', () => {
    const key = telegramAdapter.replayKey?.(telegramWebhookRequest(textUpdate), ctx);
    expect(key).toBe('telegram-update:900001');
    const edited = { ...textUpdate, message: { ...textUpdate.message, text: 'changed' } };
    expect(telegramAdapter.replayKey?.(telegramWebhookRequest(edited), ctx)).toBe(key);
    expect(telegramAdapter.replayKey?.(telegramWebhookRequest({ ...textUpdate, update_id: 900002 }), ctx)).toBe('telegram-update:900002');
    expect(telegramAdapter.replayKey?.({ ...telegramWebhookRequest(textUpdate), rawBody: '{"update_id":' }, ctx)).toBeNull();
    expect(telegramAdapter.replayKey?.(telegramWebhookRequest({ update_id: 'x' }), ctx)).toBeNull();
  });
});

describe('telegram adapter: parse', () => {
  it('maps a private text message to the sender, keyed by chat and message id', () => {
    const m = only(textUpdate);
    expect(m).toEqual({
      providerMessageId: '4242:17',
      contact: { name: 'Ada Lovelace', identities: [{ kind: 'telegram', address: '4242' }], attributes: { telegram: { username: 'ada_l', languageCode: 'en' } } },
      text: 'Hello bot',
      attachments: [],
      occurredAt: new Date(1_735_689_600_000),
      metadata: { telegram: { updateId: 900001, chatId: 4242, chatType: 'private', messageId: 17 } },
    });
    expect(parseTelegramMessageId(m.providerMessageId)).toEqual({ chatId: 4242, messageId: 17 });
  });

  it('names the sender from the username when there is no first or last name', () => {
    const from = { id: 7, is_bot: false, username: 'nameless' };
    expect(only({ update_id: 1, message: { message_id: 1, from, chat: { id: 7, type: 'private' }, date: 1, text: 'hi' } }).contact.name).toBe('@nameless');
  });

  it('keeps the largest photo size and the caption, as a telegram-file reference', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 'u1', width: 90, height: 60, file_size: 1_000 },
      { file_id: 'large', file_unique_id: 'u3', width: 1280, height: 853, file_size: 90_000 },
      { file_id: 'medium', file_unique_id: 'u2', width: 320, height: 213, file_size: 12_000 },
    ];
    const m = only({ update_id: 2, message: { message_id: 20, from: ada, chat: privateChat, date: 1, photo, caption: 'my receipt' } });
    expect(m.text).toBe('my receipt');
    expect(m.attachments).toEqual([{ name: 'photo-u3.jpg', contentType: 'image/jpeg', size: 90_000, url: 'telegram-file:large' }]);
  });

  it('turns documents, voice notes and stickers into attachments (an animation once)', () => {
    const document = { file_id: 'doc1', file_unique_id: 'd1', file_name: 'invoice.pdf', mime_type: 'application/pdf', file_size: 5 };
    expect(only({ update_id: 3, message: { message_id: 21, from: ada, chat: privateChat, date: 1, document } }).attachments).toEqual([
      { name: 'invoice.pdf', contentType: 'application/pdf', size: 5, url: 'telegram-file:doc1' },
    ]);
    const voice = { file_id: 'v1', file_unique_id: 'vu', duration: 3 };
    expect(only({ update_id: 4, message: { message_id: 22, from: ada, chat: privateChat, date: 1, voice } }).attachments).toEqual([
      { name: 'voice-vu.ogg', contentType: 'audio/ogg', url: 'telegram-file:v1' },
    ]);
    const gif = { file_id: 'g1', file_unique_id: 'gu', file_name: 'fun.mp4', mime_type: 'video/mp4' };
    expect(only({ update_id: 5, message: { message_id: 23, from: ada, chat: privateChat, date: 1, animation: gif, document: gif } }).attachments).toHaveLength(1);
    const sticker = { file_id: 's1', file_unique_id: 'su', width: 512, height: 512, is_animated: false, is_video: false };
    expect(only({ update_id: 6, message: { message_id: 24, from: ada, chat: privateChat, date: 1, sticker } }).attachments[0]).toMatchObject({ name: 'sticker-su.webp', contentType: 'image/webp' });
  });

  it('shows content it cannot store as a placeholder text', () => {
    const m = only({ update_id: 7, message: { message_id: 25, from: ada, chat: privateChat, date: 1, location: { latitude: 52.5, longitude: 13.4 } } });
    expect(m.text).toBe('[Telegram location without text]');
  });

  it('stores an edit as its own message pointing at the original', () => {
    const edit = { update_id: 8, edited_message: { ...textUpdate.message, text: 'Hello bot, edited', edit_date: 1_735_689_660 } };
    const m = only(edit);
    expect(m.providerMessageId).toBe('4242:17:edit:1735689660');
    expect(m.text).toBe('Hello bot, edited');
    expect(m.occurredAt).toEqual(new Date(1_735_689_660_000));
    expect(m.metadata).toEqual({ telegram: { updateId: 8, chatId: 4242, chatType: 'private', messageId: 17, edited: true, editOf: '4242:17' } });
    expect(parseTelegramMessageId(m.providerMessageId)).toEqual({ chatId: 4242, messageId: 17 });
  });

  it('gives a group chat its own thread', () => {
    const group = { id: -100123, type: 'supergroup', title: 'Customers' };
    const m = only({ update_id: 9, message: { message_id: 5, from: ada, chat: group, date: 1, text: 'hi all', reply_to_message: { message_id: 4, chat: group, date: 1 } } });
    expect(m.threadKey).toBe('chat:-100123');
    expect(m.providerMessageId).toBe('-100123:5');
    expect(m.metadata).toMatchObject({ telegram: { replyToMessageId: 4 } });
  });

  it('ignores updates without a customer message', () => {
    expect(parse({ update_id: 10, callback_query: { id: 'c' } }).messages).toEqual([]);
    expect(parse({ update_id: 11, message: { message_id: 1, chat: { id: -1001, type: 'channel' }, date: 1, text: 'post' } }).messages).toEqual([]);
    const bot = { id: 9, is_bot: true, first_name: 'OtherBot' };
    expect(parse({ update_id: 12, message: { message_id: 2, from: bot, chat: { id: -5, type: 'group' }, date: 1, text: 'beep' } }).messages).toEqual([]);
  });

  it('refuses malformed bodies with malformed_payload', async () => {
    for (const body of ['{nope', '[]', '{}', '{"update_id":-1}', '{"update_id":1,"message":{"message_id":1,"date":1}}']) {
      const err = await Promise.resolve()
        .then(() => telegramAdapter.parse(telegramWebhookRequest(body), ctx))
        .then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).code).toBe('malformed_payload');
    }
  });
});

describe('telegram adapter: configuration', () => {
  it('validates the bot token and generates a webhook secret of the allowed alphabet', () => {
    const parsed = telegramCredentialsSchema.parse({ botToken: ' 123456:ABCdef_ghi-jklmnop ' });
    expect(parsed.botToken).toBe('123456:ABCdef_ghi-jklmnop');
    expect(parsed.webhookSecret).toMatch(/^[A-Za-z0-9_-]{32,256}$/);
    expect(telegramCredentialsSchema.parse({ botToken: '1:abcdefghijkl' }).webhookSecret).not.toBe(parsed.webhookSecret);
    for (const botToken of ['', 'abc', '123456', '123:short', '12/3:abcdefghijkl', '123:abcdefghijkl/../x']) {
      expect(telegramCredentialsSchema.safeParse({ botToken }).success).toBe(false);
    }
    for (const webhookSecret of ['', 'has space', 'x'.repeat(257), 'ümlaut']) {
      expect(telegramCredentialsSchema.safeParse({ botToken: '1:abcdefghijkl', webhookSecret }).success).toBe(false);
    }
  });

  it('defaults to webhook mode on api.telegram.org and keeps other settings', () => {
    expect(telegramSettingsSchema.parse({})).toEqual({ apiBaseUrl: 'https://api.telegram.org', mode: 'webhook' });
    expect(telegramSettingsSchema.parse({ apiBaseUrl: 'http://127.0.0.1:8081/', mode: 'polling', reopenWindowHours: 2 })).toEqual({
      apiBaseUrl: 'http://127.0.0.1:8081',
      mode: 'polling',
      reopenWindowHours: 2,
    });
    expect(telegramSettingsSchema.safeParse({ mode: 'push' }).success).toBe(false);
    expect(telegramSettingsSchema.safeParse({ apiBaseUrl: 'ftp://x' }).success).toBe(false);
  });
});
