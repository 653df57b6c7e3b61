import type { InboundRequest, VerifyResult } from '../contract.ts';
import { constantTimeEqual } from '../util/hmac.ts';
import type { TelegramContext } from './api.ts';

/** Telegram sends `setWebhook`'s `secret_token` back on every update (lower-cased as in InboundRequest.headers). */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * A webhook call is Telegram's when it carries the inbox's secret token (compared in constant time).
 * Inboxes in polling mode take no webhook calls at all.
 */
export function verifyTelegramRequest(req: InboundRequest, ctx: TelegramContext): VerifyResult {
  if (ctx.settings.mode === 'polling') return { ok: false, reason: 'this Telegram inbox receives updates by long polling, not by webhook' };
  const given = req.headers[TELEGRAM_SECRET_HEADER];
  if (!given) return { ok: false, reason: 'missing X-Telegram-Bot-Api-Secret-Token' };
  return constantTimeEqual(given, ctx.credentials.webhookSecret) ? { ok: true } : { ok: false, reason: 'wrong secret token' };
}

/**
 * Telegram signs nothing per request (the secret token is the same on every call), but every update has an
 * `update_id`, and Telegram redelivers an unacknowledged update with the same one: that is the replay key.
 */
export function telegramReplayKey(req: InboundRequest): string | null {
  try {
    const id = (JSON.parse(req.rawBody) as { update_id?: unknown } | null)?.update_id;
    return Number.isSafeInteger(id) ? `telegram-update:${String(id)}` : null;
  } catch {
    return null;
  }
}
