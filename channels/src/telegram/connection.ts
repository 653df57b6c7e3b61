import type { ConnectionCheck } from '../contract.ts';
import { ChannelError } from '../contract.ts';
import { callTelegram, type TelegramContext } from './api.ts';
import { TELEGRAM_ALLOWED_UPDATES } from './schema.ts';

interface TgBot {
  id: number;
  is_bot: boolean;
  first_name: string;
  username?: string;
}

/** A failed call as a connection problem: wrong token → auth_failed, no answer → unreachable / timeout. */
function problemOf(err: unknown, problemFor400 = 'unknown'): ConnectionCheck {
  if (!(err instanceof ChannelError)) return { ok: false, problem: 'unknown', message: err instanceof Error ? err.message : String(err) };
  const problem =
    err.code === 'network_error' ? 'unreachable'
    : err.code === 'timeout' ? 'timeout'
    : err.providerStatus === 401 || err.providerStatus === 404 ? 'auth_failed'
    : err.providerStatus === 400 ? problemFor400
    : 'unknown';
  return { ok: false, problem, message: err.message };
}

async function attempt(run: () => Promise<ConnectionCheck>, problemFor400?: string): Promise<ConnectionCheck> {
  try {
    return await run();
  } catch (err) {
    return problemOf(err, problemFor400);
  }
}

/** getMe: the token belongs to a bot. Details name the bot (`@username`). */
export function testTelegramConnection(ctx: TelegramContext): Promise<ConnectionCheck> {
  return attempt(async () => {
    const me = await callTelegram<TgBot>(ctx, 'getMe');
    return { ok: true, details: { botId: me.id, username: me.username ?? null, name: me.first_name } };
  });
}

/**
 * Webhook mode: `setWebhook` to the inbox's webhook URL with its secret token (Telegram then calls us and stops
 * serving getUpdates). Polling mode: `deleteWebhook`, so getUpdates works. Pending updates are kept either way.
 */
export function connectTelegram(ctx: TelegramContext): Promise<ConnectionCheck> {
  return attempt(async () => {
    if (ctx.settings.mode === 'polling') {
      await callTelegram<boolean>(ctx, 'deleteWebhook', { drop_pending_updates: false });
      return { ok: true, details: { mode: 'polling' } };
    }
    if (!ctx.webhookUrl) return { ok: false, problem: 'not_configured', message: 'The inbox has no public webhook URL (set PUBLIC_URL)' };
    await callTelegram<boolean>(ctx, 'setWebhook', {
      url: ctx.webhookUrl,
      secret_token: ctx.credentials.webhookSecret,
      allowed_updates: TELEGRAM_ALLOWED_UPDATES,
    });
    return { ok: true, details: { mode: 'webhook', url: ctx.webhookUrl } };
  }, 'webhook_rejected');
}

/** Inbox deleted: in webhook mode Telegram stops calling us (`deleteWebhook`); polling needs nothing undone. */
export function disconnectTelegram(ctx: TelegramContext): Promise<ConnectionCheck> {
  return attempt(async () => {
    if (ctx.settings.mode === 'webhook') await callTelegram<boolean>(ctx, 'deleteWebhook', { drop_pending_updates: false });
    return { ok: true };
  });
}
