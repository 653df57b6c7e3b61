export { telegramAdapter } from './adapter.ts';
export { callTelegram, telegramError, type TelegramCallOptions, type TelegramContext } from './api.ts';
export { connectTelegram, disconnectTelegram, testTelegramConnection } from './connection.ts';
export { fetchTelegramFile, TELEGRAM_FILE_PREFIX, telegramFileIdOf, telegramFileRef } from './files.ts';
export { parseTelegramMessageId, parseTelegramUpdate, parseTelegramWebhook, telegramMessageId } from './parse.ts';
export { pollTelegramUpdates, type PollOptions, type PolledUpdate } from './polling.ts';
export {
  TELEGRAM_ALLOWED_UPDATES,
  DEFAULT_TELEGRAM_API,
  generateTelegramSecret,
  telegramCredentialsSchema,
  telegramSettingsSchema,
  type TelegramCredentials,
  type TelegramSettings,
  type TgUpdate,
} from './schema.ts';
export { TELEGRAM_CAPTION_LIMIT, sendTelegram, splitTelegramText, TELEGRAM_TEXT_LIMIT } from './send.ts';
export { TELEGRAM_SECRET_HEADER, telegramReplayKey, verifyTelegramRequest } from './verify.ts';
