/**
 * The official `twilio` SDK, with its HTTP going through the adapter context's `fetch` (timeouts, network errors as
 * transient ChannelErrors, fakes in tests) and, with `settings.apiBaseUrl`, to another host than *.twilio.com.
 */
import type twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type * as ResponseModule from 'twilio/lib/http/response.js';
import type { AdapterContext } from '../contract.ts';
import { fetchWithTimeout, networkError } from '../util/http.ts';
import { TWILIO_API_BASE_URL, type TwilioCredentials, type TwilioSettings } from './schema.ts';

type TwilioResponse<T> = ResponseModule.default<T>;

export const DEFAULT_TWILIO_TIMEOUT_MS = 15_000;

export type TwilioContext = AdapterContext<TwilioCredentials, TwilioSettings>;

const isTwilioHost = (host: string) => host === 'twilio.com' || host.endsWith('.twilio.com');

/** Where a Twilio URL really goes: `apiBaseUrl` replaces the origin of any *.twilio.com URL. */
export function resolveTwilioUrl(url: string, apiBaseUrl: string | undefined): string {
  if (!apiBaseUrl) return url;
  const u = new URL(url);
  return isTwilioHost(u.hostname) ? `${apiBaseUrl}${u.pathname}${u.search}` : url;
}

/** True for URLs of Twilio's API (or of the configured `apiBaseUrl`): only those get the account's credentials. */
export function isTwilioApiUrl(url: string, apiBaseUrl: string | undefined): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:' && isTwilioHost(u.hostname)) return true;
  return apiBaseUrl !== undefined && u.origin === new URL(apiBaseUrl).origin;
}

/** HTTP Basic credentials for the REST API: the API key when there is one, else account SID + auth token. */
export function restAuth(c: TwilioCredentials): { username: string; password: string } {
  if (c.apiKeySid && c.apiKeySecret) return { username: c.apiKeySid, password: c.apiKeySecret };
  return { username: c.accountSid, password: c.authToken ?? '' };
}

export const basicAuthHeader = (c: TwilioCredentials) => {
  const { username, password } = restAuth(c);
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
};

function formBody(data: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) form.append(key, String(v));
  }
  return form.toString();
}

type TwilioSdk = typeof twilio;
let sdk: Promise<TwilioSdk> | undefined;

/**
 * The `twilio` SDK, loaded on first use: it is large, and a server without Twilio inboxes should not pay for it at
 * start. Later calls get the loaded module.
 */
export function loadTwilio(): Promise<TwilioSdk> {
  sdk ??= import('twilio').then((m) => m.default);
  return sdk;
}

type FetchRequestClientClass = new (fetchImpl: typeof fetch, apiBaseUrl: string | undefined, timeoutMs?: number) => RequestClient;
let fetchClientClass: FetchRequestClientClass | undefined;

/** The SDK's `httpClient`, on fetch: same request shape (form bodies, repeated keys, Basic auth) as its axios client. */
function fetchRequestClient(base: TwilioSdk): FetchRequestClientClass {
  fetchClientClass ??= class FetchRequestClient extends base.RequestClient {
    readonly #fetch: typeof fetch;
    readonly #apiBaseUrl: string | undefined;
    readonly #timeoutMs: number;

    constructor(fetchImpl: typeof fetch, apiBaseUrl: string | undefined, timeoutMs = DEFAULT_TWILIO_TIMEOUT_MS) {
      super();
      this.#fetch = fetchImpl;
      this.#apiBaseUrl = apiBaseUrl;
      this.#timeoutMs = timeoutMs;
    }

    override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
      const url = new URL(resolveTwilioUrl(opts.uri, this.#apiBaseUrl));
      if (opts.params) url.search = formBody(opts.params);
      const headers: Record<string, string> = { ...opts.headers };
      delete headers.Connection;
      if (opts.username && opts.password) {
        headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      } else if (opts.authStrategy) {
        headers.Authorization = await opts.authStrategy.getAuthString();
      }
      let body: string | undefined;
      if (opts.data) body = headers['Content-Type'] === 'application/json' ? JSON.stringify(opts.data) : formBody(opts.data);
      const timeoutMs = opts.timeout ?? this.#timeoutMs;
      const res = await fetchWithTimeout(
        this.#fetch,
        url.toString(),
        { method: opts.method.toUpperCase(), headers, body, redirect: opts.allowRedirects ? 'follow' : 'manual' },
        { timeoutMs },
      );
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw networkError(err, url.toString(), timeoutMs);
      }
      return { statusCode: res.status, body: text as TData, headers: Object.fromEntries(res.headers) } as TwilioResponse<TData>;
    }
  };
  return fetchClientClass;
}

/** An SDK client for the context's account, speaking through `ctx.fetch`. */
export async function twilioClient(ctx: TwilioContext, timeoutMs?: number): Promise<twilio.Twilio> {
  const base = await loadTwilio();
  const c = ctx.credentials;
  const httpClient = new (fetchRequestClient(base))(ctx.fetch, ctx.settings.apiBaseUrl, timeoutMs);
  const { username, password } = restAuth(c);
  return base(username, password, { accountSid: c.accountSid, httpClient, autoRetry: false });
}

/** Twilio's API base for this inbox (for messages in docs and errors). */
export const apiBase = (settings: TwilioSettings) => settings.apiBaseUrl ?? TWILIO_API_BASE_URL;
