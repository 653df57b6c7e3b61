import { ChannelError, type AdapterContext } from '../contract.ts';
import { fetchText, httpError, isTransientStatus, truncate } from '../util/http.ts';
import type { TelegramCredentials, TelegramSettings } from './schema.ts';

export type TelegramContext = AdapterContext<TelegramCredentials, TelegramSettings>;

/** `{ ok: false }` bodies: `error_code`, `description`, and for 429 `parameters.retry_after` (seconds). */
interface TelegramErrorBody {
  ok: false;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

type TelegramBody<T> = { ok: true; result: T } | TelegramErrorBody;

export interface TelegramCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `{base}/bot<token>/<method>`: never logged, never stored (the token is in it). */
export function methodUrl(ctx: TelegramContext, method: string): string {
  return `${ctx.settings.apiBaseUrl}/bot${ctx.credentials.botToken}/${method}`;
}

/** `{base}/file/bot<token>/<file_path>` (from getFile). */
export function fileUrl(ctx: TelegramContext, filePath: string): string {
  return `${ctx.settings.apiBaseUrl}/file/bot${ctx.credentials.botToken}/${encodeURI(filePath)}`;
}

export function redactToken(ctx: TelegramContext, text: string): string {
  return text.replaceAll(ctx.credentials.botToken, '<bot token>');
}

function errorCode(status: number, description: string): string {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'provider_error';
  if (status === 401 || status === 404) return 'unauthorized'; // a wrong or revoked bot token
  if (status === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(description)) return 'invalid_recipient';
  return 'rejected'; // 400 bad request, 403 bot blocked / kicked, 409 conflict…
}

/** Maps a Telegram error body to a ChannelError carrying Telegram's description (5xx and 429 transient). */
export function telegramError(method: string, httpStatus: number, body: TelegramErrorBody): ChannelError {
  const status = httpStatus >= 400 ? httpStatus : (body.error_code ?? httpStatus);
  const description = truncate(body.description?.trim() || `HTTP ${status}`, 500);
  const retryAfter = body.parameters?.retry_after;
  const suffix = retryAfter !== undefined ? ` (retry after ${retryAfter} s)` : '';
  return new ChannelError(errorCode(status, description), `Telegram ${method}: ${description}${suffix}`, {
    transient: isTransientStatus(status),
    providerStatus: status,
    ...(retryAfter !== undefined && { retryAfterMs: retryAfter * 1000 }),
  });
}

function parseBody<T>(text: string): TelegramBody<T> | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && 'ok' in json && typeof json.ok === 'boolean') return json as TelegramBody<T>;
  } catch {
    // Not the Bot API's JSON (a proxy's error page): handled by the caller.
  }
  return undefined;
}

/**
 * Calls a Bot API method: parameters as JSON, or as multipart when they carry files (a FormData).
 * Returns `result`; throws a ChannelError with Telegram's description otherwise (network and timeouts transient).
 */
export async function callTelegram<T>(
  ctx: TelegramContext,
  method: string,
  params: Record<string, unknown> | FormData = {},
  opts: TelegramCallOptions = {},
): Promise<T> {
  const multipart = params instanceof FormData;
  const res = await fetchText(
    ctx.fetch,
    methodUrl(ctx, method),
    {
      method: 'POST',
      redirect: 'manual',
      headers: multipart ? {} : { 'content-type': 'application/json' },
      body: multipart ? params : JSON.stringify(params),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs },
  );
  const body = parseBody<T>(res.text);
  // A proxy's error page may echo the request path: keep the bot token out of messages agents see.
  if (!body) throw httpError(res, redactToken(ctx, res.text), `Telegram ${method}`);
  if (!body.ok) throw telegramError(method, res.status, body);
  if (!res.ok) throw httpError(res, redactToken(ctx, res.text), `Telegram ${method}`);
  return body.result;
}
