import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type FetchFunction,
  type Logger,
} from '@slack/web-api';
import { ChannelError, type AdapterContext } from '../contract.ts';
import { DEFAULT_TIMEOUT_MS, httpError, networkError } from '../util/http.ts';
import type { SlackCredentials, SlackSettings } from './schema.ts';

export type SlackContext = AdapterContext<SlackCredentials, SlackSettings>;

const quiet: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  setLevel() {},
  getLevel: () => LogLevel.ERROR,
  setName() {},
};

/**
 * The official Web API client for an inbox: its bot token, its API base URL, every request through `ctx.fetch`.
 * It never retries and never waits out a rate limit itself: our durable job queue does the retrying.
 */
export function slackClient(ctx: SlackContext, opts: { timeoutMs?: number } = {}): WebClient {
  return new WebClient(ctx.credentials.botToken, {
    slackApiUrl: ctx.settings.apiUrl,
    fetch: ctx.fetch as unknown as FetchFunction,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    allowAbsoluteUrls: false,
    logger: quiet,
  });
}

/** Platform errors (`{ok:false,error}`) worth retrying later; every other one is permanent. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The Slack error code of a platform error (`channel_not_found`, `invalid_auth`…), if it is one. */
export function platformErrorCode(err: unknown): string | undefined {
  return err instanceof WebAPIPlatformError ? String(err.data.error) : undefined;
}

/**
 * A WebClient failure as a ChannelError. `{ok:false,error}` keeps Slack's code as the error code (permanent unless
 * Slack says to try again); 429, 5xx, timeouts and network failures are transient.
 */
export function slackError(err: unknown, method: string, ctx: SlackContext, timeoutMs = DEFAULT_TIMEOUT_MS): ChannelError {
  if (err instanceof ChannelError) return err;
  const code = platformErrorCode(err);
  if (code !== undefined) {
    return new ChannelError(code, `Slack ${method} failed: ${code}`, { transient: TRANSIENT_PLATFORM_ERRORS.has(code), providerStatus: 200, cause: err });
  }
  if (err instanceof WebAPIRateLimitedError) {
    return new ChannelError('rate_limited', `Slack ${method} was rate limited (retry after ${err.retryAfter} s)`, { transient: true, providerStatus: 429, retryAfterMs: err.retryAfter * 1000, cause: err });
  }
  if (err instanceof WebAPIHTTPError) {
    const body = typeof err.body === 'string' ? err.body : JSON.stringify(err.body ?? '');
    return httpError({ status: err.statusCode, statusText: err.statusMessage }, body, `Slack ${method}`);
  }
  if (err instanceof WebAPIRequestError) return networkError(err.original, ctx.settings.apiUrl, timeoutMs);
  const message = err instanceof Error ? err.message : String(err);
  // A 429 without a usable Retry-After surfaces as a plain Error.
  if (/rate limit|retry header/i.test(message)) {
    return new ChannelError('rate_limited', `Slack ${method} was rate limited: ${message}`, { transient: true, providerStatus: 429, cause: err });
  }
  return new ChannelError('provider_error', `Slack ${method} failed: ${message}`, { transient: true, cause: err });
}
