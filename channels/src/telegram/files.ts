import { ChannelError } from '../contract.ts';
import { fetchWithTimeout } from '../util/http.ts';
import { callTelegram, fileUrl, type TelegramContext } from './api.ts';

/**
 * How an inbound file is referenced in storage: the file id only. The download URL contains the bot token,
 * so it is resolved (getFile) at download time and never stored.
 */
export const TELEGRAM_FILE_PREFIX = 'telegram-file:';

export const telegramFileRef = (fileId: string): string => `${TELEGRAM_FILE_PREFIX}${fileId}`;

export function telegramFileIdOf(ref: string): string | null {
  if (!ref.startsWith(TELEGRAM_FILE_PREFIX)) return null;
  const id = ref.slice(TELEGRAM_FILE_PREFIX.length);
  return /^[A-Za-z0-9_-]{1,512}$/.test(id) ? id : null;
}

interface TgFileInfo {
  file_id: string;
  file_size?: number;
  file_path?: string;
}

/** Long enough for the Bot API's 20 MB download limit on a slow link. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/**
 * Resolves a `telegram-file:<file_id>` reference with getFile and GETs `{base}/file/bot<token>/<file_path>`.
 * Returns Telegram's response (the server checks its status and streams the body); a failed getFile throws a
 * ChannelError (transient for 5xx/429/network, permanent otherwise, e.g. "file is too big").
 */
export async function fetchTelegramFile(ref: string, ctx: TelegramContext): Promise<Response> {
  const fileId = telegramFileIdOf(ref);
  if (!fileId) throw new ChannelError('rejected', `Not a Telegram file reference: ${ref.slice(0, 100)}`);
  const file = await callTelegram<TgFileInfo>(ctx, 'getFile', { file_id: fileId });
  if (!file.file_path) throw new ChannelError('rejected', 'Telegram getFile: the file is not available for download');
  return fetchWithTimeout(ctx.fetch, fileUrl(ctx, file.file_path), { method: 'GET', redirect: 'manual' }, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
}
