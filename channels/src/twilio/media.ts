import { fetchWithTimeout } from '../util/http.ts';
import { basicAuthHeader, isTwilioApiUrl, resolveTwilioUrl, type TwilioContext } from './client.ts';

export const MEDIA_TIMEOUT_MS = 30_000;

/**
 * GETs an MMS/WhatsApp media URL from an inbound webhook. Twilio's media URLs answer with (or redirect to) the file;
 * with "Enforce HTTP Auth on Media URLs" they need the account's Basic auth, which only Twilio's API host (or the
 * configured apiBaseUrl) gets, never a third party. Redirects are followed (fetch drops the credentials on a
 * redirect to another origin).
 */
export function fetchTwilioMedia(url: string, ctx: TwilioContext, timeoutMs = MEDIA_TIMEOUT_MS): Promise<Response> {
  const { apiBaseUrl } = ctx.settings;
  const headers: Record<string, string> = isTwilioApiUrl(url, apiBaseUrl) ? { authorization: basicAuthHeader(ctx.credentials) } : {};
  return fetchWithTimeout(ctx.fetch, resolveTwilioUrl(url, apiBaseUrl), { method: 'GET', headers, redirect: 'follow' }, { timeoutMs });
}
