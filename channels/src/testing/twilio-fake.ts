/**
 * A local Twilio REST API for tests: the official SDK (via `settings.apiBaseUrl`, or a redirecting fetch) talks to it
 * as to api.twilio.com. It speaks Twilio's wire format: Basic auth (account SID + auth token, or API key + secret),
 * form-encoded requests (Content API templates: `ContentSid`, `ContentVariables`), JSON resources, error bodies
 * `{code, message, more_info, status}`. It can script failures
 * (5xx, refusals), serves media that needs Basic auth, and sends status callbacks signed as Twilio signs them.
 */
import { Buffer } from 'node:buffer';
import type { AdapterContext } from '../contract.ts';
import { startFake, type FakeReply, type FakeRequest } from './http-fake.ts';
import { closeOnce, type ProviderHarness } from './provider-harness.ts';
import {
  TEST_TWILIO_ACCOUNT_SID,
  TEST_TWILIO_AUTH_TOKEN,
  TEST_TWILIO_NUMBER,
  twilioSid,
  twilioStatusParams,
  twilioWebhook,
} from '../twilio/fixtures.ts';

export interface TwilioFakeOptions {
  accountSid?: string;
  authToken?: string;
  /** An API key that may call the API too. */
  apiKey?: { sid: string; secret: string };
  /** The account's incoming numbers (senders); default [TEST_TWILIO_NUMBER]. */
  numbers?: string[];
  /** Messaging Service SIDs of the account. */
  messagingServices?: string[];
  /** Content templates (Content API) of the account by SID, with their body (`{{1}}`, `{{name}}` placeholders). */
  contents?: Record<string, string>;
  accountStatus?: 'active' | 'suspended' | 'closed';
}

export interface TwilioFakeMessage {
  sid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  /** The text sent: `Body`, or a Content template's body with its variables filled in. */
  body: string | null;
  mediaUrl: string[];
  statusCallback: string | null;
  /** A Content template: its SID and the variables as sent (`ContentVariables`, parsed). */
  contentSid: string | null;
  contentVariables: Record<string, string> | null;
}

export interface TwilioError {
  code: number;
  message: string;
  status?: number;
}

export interface TwilioFake {
  /** Base URL to put in `settings.apiBaseUrl`. */
  url: string;
  accountSid: string;
  authToken: string;
  /** Messages the fake accepted (201), in order. */
  messages: TwilioFakeMessage[];
  /** Every request, including refused ones. */
  requests: FakeRequest[];
  /** POSTs to Messages.json so far (accepted or not). */
  sendAttempts(): number;
  /** The next `times` sends answer `status` (default 503) with a Twilio error body. */
  failNext(times: number, status?: number): void;
  /** Every following send is refused with this error (default status 400) until `succeed()`. */
  refuse(error: TwilioError): void;
  succeed(): void;
  /** Sends to this number answer 21610, as after the customer replied STOP; `resubscribe` undoes it. */
  unsubscribe(number: string): void;
  resubscribe(number: string): void;
  /** Adds a Content template (an approved WhatsApp template) with this body; returns its SID (`HX…`). */
  addContent(body: string, sid?: string): string;
  /** Stores a media file; returns its URL as Twilio gives it in a webhook (https://api.twilio.com/…/Media/ME…). */
  addMedia(bytes: Uint8Array, contentType: string): string;
  /**
   * Twilio's status callback for an accepted message: form fields signed for the StatusCallback URL the message was
   * sent with, POSTed to `deliverTo` (same path and query on another origin: a proxy in front of the server).
   */
  sendStatus(sid: string, status: string, opts?: { errorCode?: string; deliverTo?: string }): Promise<{ status: number; body: string; headers: Headers }>;
  close(): Promise<void>;
}

const API = '/2010-04-01';

const errorBody = (e: TwilioError) => {
  const status = e.status ?? 400;
  return { status, body: { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status } };
};

const rfc2822 = (d = new Date()) => d.toUTCString().replace('GMT', '+0000');

function basicAuth(header: string | undefined): { user: string; pass: string } | null {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m?.[1]) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? null : { user: decoded.slice(0, i), pass: decoded.slice(i + 1) };
}

const E164 = /^\+[1-9]\d{6,14}$/;
const stripWhatsApp = (a: string) => a.replace(/^whatsapp:/, '');

export async function startTwilioFake(opts: TwilioFakeOptions = {}): Promise<TwilioFake> {
  const accountSid = opts.accountSid ?? TEST_TWILIO_ACCOUNT_SID;
  const authToken = opts.authToken ?? TEST_TWILIO_AUTH_TOKEN;
  const numbers = new Set(opts.numbers ?? [TEST_TWILIO_NUMBER]);
  const services = new Set(opts.messagingServices ?? []);
  const unsubscribed = new Set<string>();
  const media = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const contents = new Map<string, string>(Object.entries(opts.contents ?? {}));
  const messages: TwilioFakeMessage[] = [];
  let sendAttempts = 0;
  let failures: { times: number; status: number } = { times: 0, status: 503 };
  let refusal: TwilioError | null = null;

  const authorized = (req: FakeRequest) => {
    const auth = basicAuth(req.headers.authorization);
    if (!auth) return false;
    if (auth.user === accountSid && auth.pass === authToken) return true;
    return opts.apiKey !== undefined && auth.user === opts.apiKey.sid && auth.pass === opts.apiKey.secret;
  };

  const notFound = (path: string): FakeReply => errorBody({ code: 20404, message: `The requested resource ${path} was not found`, status: 404 });

  /** `ContentSid` (a known `HX…`) and `ContentVariables` (a JSON object of strings), as the Content API takes them. */
  function contentOf(form: URLSearchParams): { sid: string | null; variables: Record<string, string> | null; body: string | null } | { error: TwilioError } {
    const sid = form.get('ContentSid');
    const raw = form.get('ContentVariables');
    if (!sid) return raw === null ? { sid: null, variables: null, body: null } : { error: { code: 21655, message: 'ContentVariables requires a ContentSid' } };
    const template = contents.get(sid);
    if (!/^HX[0-9a-f]{32}$/i.test(sid) || template === undefined) return { error: { code: 21655, message: `The Content SID ${sid} is invalid` } };
    let variables: Record<string, string> = {};
    if (raw !== null) {
      try {
        const parsed = JSON.parse(raw) as unknown;
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) throw new Error('not an object of strings');
        variables = parsed as Record<string, string>;
      } catch {
        return { error: { code: 21656, message: 'The ContentVariables Parameter is invalid' } };
      }
    }
    const body = template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (all, key: string) => variables[key] ?? all);
    return { sid, variables: raw === null ? null : variables, body };
  }

  function createMessage(form: URLSearchParams): FakeReply {
    sendAttempts++;
    if (failures.times > 0) {
      failures.times--;
      return errorBody({ code: 20500, message: 'An internal server error has occurred', status: failures.status });
    }
    if (refusal) return errorBody(refusal);
    const to = form.get('To') ?? '';
    const from = form.get('From');
    const service = form.get('MessagingServiceSid');
    const mediaUrl = form.getAll('MediaUrl');
    const content = contentOf(form);
    if ('error' in content) return errorBody(content.error);
    const body = content.body ?? form.get('Body');
    if (!to) return errorBody({ code: 21604, message: "A 'To' phone number is required." });
    if (!E164.test(stripWhatsApp(to))) return errorBody({ code: 21211, message: `Invalid 'To' Phone Number: ${to}` });
    if (!from && !service) return errorBody({ code: 21603, message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message." });
    if (from && !numbers.has(stripWhatsApp(from))) {
      return errorBody({ code: 21606, message: `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.` });
    }
    if (service && !services.has(service)) return errorBody({ code: 21701, message: `The Messaging Service Sid ${service} is invalid.` });
    if (!body && mediaUrl.length === 0) return errorBody({ code: 21602, message: 'Message body is required.' });
    if (unsubscribed.has(stripWhatsApp(to))) return errorBody({ code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    const sid = twilioSid(mediaUrl.length ? 'MM' : 'SM');
    const message: TwilioFakeMessage = {
      sid,
      to,
      from,
      messagingServiceSid: service,
      body,
      mediaUrl,
      statusCallback: form.get('StatusCallback'),
      contentSid: content.sid,
      contentVariables: content.variables,
    };
    messages.push(message);
    const now = rfc2822();
    return {
      status: 201,
      body: {
        sid,
        account_sid: accountSid,
        to,
        from: from ?? null,
        messaging_service_sid: service ?? null,
        body: body ?? '',
        status: service ? 'accepted' : 'queued',
        num_segments: String(Math.max(1, Math.ceil((body ?? '').length / 160))),
        num_media: String(mediaUrl.length),
        direction: 'outbound-api',
        api_version: '2010-04-01',
        price: null,
        price_unit: 'USD',
        error_code: null,
        error_message: null,
        date_created: now,
        date_updated: now,
        date_sent: null,
        uri: `${API}/Accounts/${accountSid}/Messages/${sid}.json`,
        subresource_uris: { media: `${API}/Accounts/${accountSid}/Messages/${sid}/Media.json` },
      },
    };
  }

  function handle(req: FakeRequest): FakeReply {
    const url = new URL(req.path, 'http://fake');
    const path = url.pathname;
    if (!authorized(req)) return errorBody({ code: 20003, message: 'Authenticate', status: 401 });
    const account = /^\/2010-04-01\/Accounts\/([^/.]+)/.exec(path)?.[1];
    if (account !== undefined && account !== accountSid) return notFound(path);
    if (req.method === 'POST' && path === `${API}/Accounts/${accountSid}/Messages.json`) return createMessage(new URLSearchParams(req.body));
    if (req.method === 'GET' && path === `${API}/Accounts/${accountSid}.json`) {
      return { status: 200, body: { sid: accountSid, friendly_name: 'Switchboard test account', status: opts.accountStatus ?? 'active', type: 'Full', date_created: rfc2822() } };
    }
    if (req.method === 'GET' && path === `${API}/Accounts/${accountSid}/IncomingPhoneNumbers.json`) {
      const wanted = url.searchParams.get('PhoneNumber');
      const found = [...numbers].filter((n) => !wanted || n === wanted);
      return {
        status: 200,
        body: {
          incoming_phone_numbers: found.map((n) => ({ sid: twilioSid('PN'), account_sid: accountSid, phone_number: n, friendly_name: n, capabilities: { sms: true, mms: true, voice: true } })),
          next_page_uri: null,
          page: 0,
          page_size: Number(url.searchParams.get('PageSize') ?? 50),
          uri: req.path,
        },
      };
    }
    const service = /^\/v1\/Services\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && service) {
      return services.has(service) ? { status: 200, body: { sid: service, account_sid: accountSid, friendly_name: 'Support' } } : notFound(path);
    }
    const file = req.method === 'GET' ? media.get(path) : undefined;
    if (file) return { status: 200, body: file.bytes, headers: { 'content-type': file.contentType } };
    return notFound(path);
  }

  const fake = await startFake({ route: handle });

  return {
    url: fake.url,
    accountSid,
    authToken,
    messages,
    requests: fake.requests,
    sendAttempts: () => sendAttempts,
    failNext(times, status = 503) {
      failures = { times, status };
    },
    refuse(error) {
      refusal = error;
    },
    succeed() {
      refusal = null;
      failures = { times: 0, status: 503 };
    },
    unsubscribe: (n) => void unsubscribed.add(n),
    resubscribe: (n) => void unsubscribed.delete(n),
    addContent(body, sid = twilioSid('HX')) {
      contents.set(sid, body);
      return sid;
    },
    addMedia(bytes, contentType) {
      const path = `${API}/Accounts/${accountSid}/Messages/${twilioSid('MM')}/Media/${twilioSid('ME')}`;
      media.set(path, { bytes, contentType });
      return `https://api.twilio.com${path}`;
    },
    async sendStatus(sid, status, o = {}) {
      const message = messages.find((m) => m.sid === sid);
      if (!message?.statusCallback) throw new Error(`message ${sid} was not sent with a StatusCallback`);
      const params = twilioStatusParams({ sid, status, to: message.to, from: message.from ?? '', accountSid, ...(o.errorCode ? { errorCode: o.errorCode } : {}) });
      const { headers, body } = twilioWebhook(message.statusCallback, params, authToken);
      const target = new URL(message.statusCallback);
      const url = o.deliverTo ? `${o.deliverTo.replace(/\/+$/, '')}${target.pathname}${target.search}` : message.statusCallback;
      const res = await fetch(url, { method: 'POST', headers, body });
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
    close: () => fake.close(),
  };
}

/** The contract suite's provider: the Twilio fake (transient = 503, permanent = 400 with Twilio's 21211). */
export async function twilioProviderHarness<C, S>(context: (fake: TwilioFake) => AdapterContext<C, S>): Promise<ProviderHarness<C, S>> {
  const fake = await startTwilioFake();
  const close = closeOnce(() => fake.close());
  return {
    context: () => context(fake),
    succeed: () => fake.succeed(),
    failTransient: () => fake.failNext(Number.POSITIVE_INFINITY, 503),
    failPermanent: () => fake.refuse({ code: 21211, message: "Invalid 'To' Phone Number" }),
    unreachable: close,
    attempts: () => fake.sendAttempts(),
    transientStatus: 503,
    permanentStatus: 400,
    close,
  };
}
