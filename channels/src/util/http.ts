import { ChannelError } from '../contract.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Status codes worth retrying: request timeout, rate limit, every 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Shortens provider response bodies for error messages and logs. */
export function truncate(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/**
 * Maps a non-2xx HTTP response to a ChannelError:
 * 408/429/5xx → transient; any other status → permanent.
 * `detail` (usually the response body) is appended, truncated to ~500 chars.
 */
export function httpError(
  res: { status: number; statusText?: string },
  detail?: string,
  what = 'Provider',
): ChannelError {
  const { status } = res;
  const code =
    status === 408 ? 'timeout'
    : status === 429 ? 'rate_limited'
    : status >= 500 ? 'provider_error'
    : status === 401 || status === 403 ? 'unauthorized'
    : 'rejected';
  const label = res.statusText ? `${status} ${res.statusText}` : String(status);
  const suffix = detail && detail.trim() ? `: ${truncate(detail.trim())}` : '';
  return new ChannelError(code, `${what} responded ${label}${suffix}`, {
    transient: isTransientStatus(status),
    providerStatus: status,
  });
}

export interface FetchOptions {
  /** Whole-request budget including reading the body; default 10 s. */
  timeoutMs?: number;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/** Wraps a failure of fetch / body reading in a transient ChannelError. */
export function networkError(err: unknown, url: string, timeoutMs: number): ChannelError {
  if (err instanceof ChannelError) return err;
  const host = safeHost(url);
  if (isTimeout(err)) {
    return new ChannelError('timeout', `Request to ${host} timed out after ${timeoutMs} ms`, {
      transient: true,
      cause: err,
    });
  }
  const reason = err instanceof Error ? (errorCauseMessage(err) ?? err.message) : String(err);
  return new ChannelError('network_error', `Request to ${host} failed: ${reason}`, {
    transient: true,
    cause: err,
  });
}

function errorCauseMessage(err: Error): string | undefined {
  const cause = err.cause;
  if (cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'string') {
    return `${err.message} (${cause.code})`;
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'provider';
  }
}

/**
 * fetch with a timeout (AbortSignal.timeout, default 10 s, combined with any
 * caller signal). Network failures and timeouts become transient ChannelErrors;
 * HTTP statuses are returned untouched.
 */
export async function fetchWithTimeout(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit = {},
  opts: FetchOptions = {},
): Promise<Response> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    return await fetchImpl(url, { ...init, signal });
  } catch (err) {
    throw networkError(err, url, timeoutMs);
  }
}

export interface FetchedText {
  status: number;
  statusText: string;
  ok: boolean;
  headers: Headers;
  text: string;
}

/** Like {@link fetchWithTimeout} but also reads the body as text under the same timeout. */
export async function fetchText(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit = {},
  opts: FetchOptions = {},
): Promise<FetchedText> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const res = await fetchWithTimeout(fetchImpl, url, init, { timeoutMs });
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw networkError(err, url, timeoutMs);
  }
  return { status: res.status, statusText: res.statusText, ok: res.ok, headers: res.headers, text };
}
