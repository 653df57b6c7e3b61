import type { InboundRequest } from '../contract.ts';
import type { TelegramContext } from './api.ts';
import type { TelegramCredentials, TelegramSettings } from './schema.ts';
import { TELEGRAM_SECRET_HEADER } from './verify.ts';

export const TEST_TELEGRAM_TOKEN = '123456789:AAHtestTokenForSwitchboard_0123456';
export const TEST_TELEGRAM_SECRET = 'test_secret-0123456789abcdefABCDEF';

/** A webhook call as Telegram makes it: one Update as JSON with the secret token header. */
export function telegramWebhookRequest(update: unknown, opts: { secret?: string | null; publicToken?: string } = {}): InboundRequest {
  const secret = opts.secret === undefined ? TEST_TELEGRAM_SECRET : opts.secret;
  return {
    method: 'POST',
    url: `https://switchboard.example/webhooks/telegram/${opts.publicToken ?? 'pub_tg'}`,
    headers: { 'content-type': 'application/json', ...(secret !== null && { [TELEGRAM_SECRET_HEADER]: secret }) },
    rawBody: typeof update === 'string' ? update : JSON.stringify(update),
  };
}

export function telegramTestContext(
  overrides: { fetch?: typeof fetch; credentials?: Partial<TelegramCredentials>; settings?: Partial<TelegramSettings>; webhookUrl?: string } = {},
): TelegramContext {
  return {
    inbox: { id: 'inbox_tg', publicToken: 'pub_tg', kind: 'telegram' },
    credentials: { botToken: TEST_TELEGRAM_TOKEN, webhookSecret: TEST_TELEGRAM_SECRET, ...overrides.credentials },
    settings: { apiBaseUrl: 'https://api.telegram.org', mode: 'webhook', ...overrides.settings },
    fetch: overrides.fetch ?? fetch,
    now: () => new Date('2025-01-01T00:00:00.000Z'),
    webhookUrl: overrides.webhookUrl ?? 'https://switchboard.example/webhooks/telegram/pub_tg',
  };
}
