/**
 * The one Graph API client of the Meta channels: bearer auth, JSON or multipart bodies, and Meta's error
 * bodies (`{error:{message,type,code,error_subcode,fbtrace_id}}`) turned into ChannelErrors that say whether
 * a retry can help.
 */
import { ChannelError, type AdapterContext } from '../contract.ts';
import { fetchText, httpError, isTransientStatus, truncate } from '../util/http.ts';
import type { MetaCredentials, MetaSettings } from './schema.ts';

export type MetaContext<C extends MetaCredentials = MetaCredentials> = AdapterContext<C, MetaSettings>;

/** The `error` object of a Graph API error response. */
export interface GraphErrorBody {
  message: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_user_title?: string;
  error_user_msg?: string;
  error_data?: { details?: string } | string;
  fbtrace_id?: string;
}

/** Meta's throttling codes (they come with HTTP 400 as often as with 429). */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80006, 80007, 130429, 131048, 131056]);
/** "Temporary" errors Meta asks to retry: unknown error, service unavailable, WhatsApp server hiccups. */
const TEMPORARY_CODES = new Set([1, 2, 131016, 133004]);
const AUTH_CODES = new Set([102, 190]);
/** Messenger: outside the allowed window (10/2018278); WhatsApp: re-engagement needed (131047). */
const isOutsideWindow = (e: GraphErrorBody) => (e.code === 10 && e.error_subcode === 2018278) || e.code === 131047;
/** Nobody to deliver to: no such user (100/2018001), person unavailable (551), WhatsApp recipient problems. */
const isBadRecipient = (e: GraphErrorBody) =>
  (e.code === 100 && e.error_subcode === 2018001) || e.code === 551 || e.code === 131026 || e.code === 131030;

/** A Graph API refusal: a ChannelError that keeps Meta's error object. */
export class GraphApiError extends ChannelError {
  readonly graph: GraphErrorBody;
  constructor(status: number, graph: GraphErrorBody) {
    const code = graph.code;
    const transient =
      isTransientStatus(status) || (code !== undefined && (RATE_LIMIT_CODES.has(code) || TEMPORARY_CODES.has(code)));
    const kind =
      status === 401 || (code !== undefined && AUTH_CODES.has(code)) ? 'unauthorized'
      : isOutsideWindow(graph) ? 'outside_reply_window'
      : isBadRecipient(graph) ? 'invalid_recipient'
      : status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code)) ? 'rate_limited'
      : status >= 500 ? 'provider_error'
      : 'rejected';
    super(kind, describeGraphError(status, graph), { transient, providerStatus: status });
    this.name = 'GraphApiError';
    this.graph = graph;
  }
}

/** `Meta responded 400: (#100) Invalid parameter [code 100/33; fbtrace_id A1b2]`. */
export function describeGraphError(status: number, e: GraphErrorBody): string {
  const details = typeof e.error_data === 'string' ? e.error_data : e.error_data?.details;
  const extra = [e.error_user_msg, details].filter((x): x is string => Boolean(x && x !== e.message));
  const code = e.code === undefined ? '' : `code ${e.code}${e.error_subcode ? `/${e.error_subcode}` : ''}`;
  const tags = [code, e.fbtrace_id ? `fbtrace_id ${e.fbtrace_id}` : ''].filter(Boolean).join('; ');
  return truncate(`Meta responded ${status}: ${[e.message, ...extra].join(' — ')}${tags ? ` [${tags}]` : ''}`, 900);
}

function graphErrorOf(text: string): GraphErrorBody | null {
  try {
    const json = JSON.parse(text) as { error?: unknown };
    const e = json?.error;
    if (e && typeof e === 'object' && 'message' in e && typeof e.message === 'string') return e as GraphErrorBody;
  } catch {
    // Not Meta's JSON (a proxy's page): described from the status.
  }
  return null;
}

/** The ChannelError for a non-2xx Graph response. */
export function graphError(status: number, text: string, statusText = ''): ChannelError {
  const graph = graphErrorOf(text);
  return graph ? new GraphApiError(status, graph) : httpError({ status, statusText }, text, 'Meta');
}

export function graphRoot(settings: MetaSettings): string {
  return `${settings.graphBaseUrl}/${settings.graphApiVersion}`;
}

/** Whether `url` points into this inbox's Graph API (only there do we send the access token unasked). */
export function isGraphUrl(url: string, settings: MetaSettings): boolean {
  return url.startsWith(`${graphRoot(settings)}/`);
}

export interface GraphRequest {
  method?: 'GET' | 'POST';
  /** Below `/{version}/`, e.g. `me/messages`. */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  form?: FormData;
  timeoutMs?: number;
}

/** Calls the Graph API with the inbox's token; returns the parsed JSON of a 2xx, throws a ChannelError otherwise. */
export async function graphCall<T>(ctx: MetaContext, req: GraphRequest): Promise<T> {
  const url = new URL(`${graphRoot(ctx.settings)}/${req.path}`);
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { authorization: `Bearer ${ctx.credentials.accessToken}`, accept: 'application/json' };
  let body: string | FormData | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
  } else if (req.form) {
    body = req.form; // fetch writes the multipart boundary
  }
  const res = await fetchText(ctx.fetch, url.toString(), { method: req.method ?? (body ? 'POST' : 'GET'), headers, body }, { timeoutMs: req.timeoutMs });
  if (!res.ok) throw graphError(res.status, res.text, res.statusText);
  try {
    return JSON.parse(res.text) as T;
  } catch (err) {
    // Accepted, but we cannot read the answer: retrying could send twice.
    throw new ChannelError('provider_error', `Meta answered ${res.status} without JSON: ${truncate(res.text, 200)}`, {
      transient: false,
      providerStatus: res.status,
      cause: err,
    });
  }
}
