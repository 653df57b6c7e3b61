import type { ChannelAdapter } from '../contract.ts';
import { connectTelegram, disconnectTelegram, testTelegramConnection } from './connection.ts';
import { fetchTelegramFile } from './files.ts';
import { parseTelegramWebhook } from './parse.ts';
import { telegramCredentialsSchema, telegramSettingsSchema, type TelegramCredentials, type TelegramSettings } from './schema.ts';
import { sendTelegram } from './send.ts';
import { telegramReplayKey, verifyTelegramRequest } from './verify.ts';

/**
 * Telegram Bot API: updates arrive by webhook (checked by the secret token) or by long polling (the server's
 * poller calls `pollTelegramUpdates`); replies go out with sendMessage / sendPhoto / sendDocument.
 */
export const telegramAdapter: ChannelAdapter<TelegramCredentials, TelegramSettings> = {
  kind: 'telegram',
  credentialsSchema: telegramCredentialsSchema,
  settingsSchema: telegramSettingsSchema,
  verify: (req, ctx) => verifyTelegramRequest(req, ctx),
  replayKey: (req) => telegramReplayKey(req),
  parse: (req) => parseTelegramWebhook(req),
  send: (msg, ctx) => sendTelegram(msg, ctx),
  testConnection: (ctx) => testTelegramConnection(ctx),
  connect: (ctx) => connectTelegram(ctx),
  disconnect: (ctx) => disconnectTelegram(ctx),
  fetchAttachment: (url, ctx) => fetchTelegramFile(url, ctx),
};
