/**
 * A local Telegram Bot API server speaking the documented wire format: `POST /bot<token>/<method>` with JSON,
 * form or multipart parameters, answers `{ ok: true, result }` or `{ ok: false, error_code, description,
 * parameters? }`, files at `/file/bot<token>/<file_path>`. Updates pushed by a test go to the registered webhook
 * (with `X-Telegram-Bot-Api-Secret-Token`, like Telegram) or wait for `getUpdates` (long poll, offset semantics).
 */
import { randomBytes } from 'node:crypto';
import { startFake, type FakeReply, type FakeRequest, type HttpFake } from './http-fake.ts';

export interface TelegramFakeFile {
  /** Form field name (`photo`, `document`). */
  field: string;
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface TelegramFakeCall {
  method: string;
  /** Parameters from the query, JSON body or form (JSON-looking form values decoded, as Telegram does). */
  params: Record<string, unknown>;
  files: TelegramFakeFile[];
  /** When the call arrived (ms since the epoch). */
  at: number;
}

/** What the bot sent (successful sendMessage / sendPhoto / sendDocument). */
export interface TelegramSentMessage {
  method: string;
  chatId: string;
  messageId: number;
  text?: string;
  caption?: string;
  replyParameters?: { message_id: number; allow_sending_without_reply?: boolean };
  /** The uploaded file, or the file id / URL given instead. */
  file?: TelegramFakeFile | string;
}

export interface TelegramFakeError {
  status: number;
  description: string;
  retryAfter?: number;
}

export interface TelegramFakeOptions {
  token?: string;
  bot?: { id: number; username: string; first_name: string };
  /** Refuse webhook URLs that are not https, as Telegram does (off by default: tests run on http). */
  requireHttps?: boolean;
  /** Where updates for the registered webhook URL are really POSTed (the proxy in front of PUBLIC_URL). */
  webhookTarget?: (registeredUrl: string) => string;
}

export interface TelegramFake {
  /** The Bot API base URL (`settings.apiBaseUrl`). */
  url: string;
  token: string;
  bot: { id: number; username: string; first_name: string };
  /** Every request, raw. */
  requests: HttpFake['requests'];
  /** Every Bot API call with decoded parameters (also failed ones). */
  calls: TelegramFakeCall[];
  callsOf(method: string): TelegramFakeCall[];
  sent: TelegramSentMessage[];
  /** The registered webhook (setWebhook), or null. */
  webhook: { url: string; secretToken?: string; allowedUpdates?: unknown } | null;
  /** Stores a file the bot can fetch with getFile; returns its ids. */
  addFile(bytes: Uint8Array, opts?: { path?: string }): { file_id: string; file_unique_id: string; file_size: number };
  /**
   * A new update (`update_id` assigned). With a webhook registered it is POSTed there and the response status is
   * returned; otherwise it waits for getUpdates.
   */
  pushUpdate(update: Record<string, unknown>): Promise<{ update: Record<string, unknown>; status?: number }>;
  /** POSTs an update to the registered webhook as Telegram would (a redelivery, or a custom secret header). */
  postToWebhook(update: unknown, opts?: { secretToken?: string | null; rawBody?: string }): Promise<{ status: number; body: string }>;
  /** Updates not yet confirmed by a getUpdates offset. */
  pending(): Array<Record<string, unknown>>;
  /** The next `times` calls of `method` fail with this Telegram error. */
  failNext(method: string, error: TelegramFakeError, times?: number): void;
  close(): Promise<void>;
}

type Params = Record<string, unknown>;

const ok = (result: unknown): FakeReply => ({ status: 200, body: { ok: true, result } });
const fail = (e: TelegramFakeError): FakeReply => ({
  status: e.status,
  body: { ok: false, error_code: e.status, description: e.description, ...(e.retryAfter !== undefined && { parameters: { retry_after: e.retryAfter } }) },
});
const badRequest = (description: string) => fail({ status: 400, description: `Bad Request: ${description}` });

/** Form values that hold JSON (objects, arrays, booleans, numbers) are decoded, as the Bot API does. */
function decodeFormValue(v: string): unknown {
  if (/^[[{]/.test(v) || v === 'true' || v === 'false') {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}

async function decodeCall(method: string, req: FakeRequest): Promise<TelegramFakeCall> {
  const params: Params = Object.fromEntries(new URL(req.path, 'http://fake').searchParams);
  const files: TelegramFakeFile[] = [];
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/json') && req.body) {
    Object.assign(params, JSON.parse(req.body) as Params);
  } else if (type.includes('multipart/form-data') || type.includes('application/x-www-form-urlencoded')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: new Uint8Array(req.bytes) }).formData();
    for (const [key, value] of form) {
      if (typeof value === 'string') params[key] = decodeFormValue(value);
      else files.push({ field: key, name: value.name, contentType: value.type, bytes: new Uint8Array(await value.arrayBuffer()) });
    }
  }
  return { method, params, files, at: Date.now() };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : undefined);

export async function startTelegramFake(opts: TelegramFakeOptions = {}): Promise<TelegramFake> {
  const token = opts.token ?? `${100000 + (randomBytes(2).readUInt16BE() % 900000)}:FAKE-${randomBytes(16).toString('base64url')}`;
  const bot = opts.bot ?? { id: Number(token.split(':')[0]), username: 'switchboard_test_bot', first_name: 'Switchboard Test' };
  const calls: TelegramFakeCall[] = [];
  const sent: TelegramSentMessage[] = [];
  const files = new Map<string, { unique: string; path: string; bytes: Uint8Array }>();
  const failures = new Map<string, TelegramFakeError[]>();
  const queue: Params[] = [];
  let nextUpdateId = 700_000_000 + (randomBytes(2).readUInt16BE() % 10_000);
  /** Message ids are one sequence per chat, shared by the customer's messages and the bot's. */
  const lastMessageIds = new Map<string, number>();
  const nextMessageId = (chatId: string) => {
    const id = (lastMessageIds.get(chatId) ?? 0) + 1;
    lastMessageIds.set(chatId, id);
    return id;
  };
  /** Numbers a pushed message like Telegram does (unless the test gave it an id). */
  const numberMessage = (m: unknown) => {
    if (!m || typeof m !== 'object' || !('chat' in m)) return;
    const msg = m as { chat?: { id?: unknown }; message_id?: unknown };
    const chatId = str(msg.chat?.id);
    if (chatId === undefined) return;
    if (typeof msg.message_id === 'number') lastMessageIds.set(chatId, Math.max(lastMessageIds.get(chatId) ?? 0, msg.message_id));
    else msg.message_id = nextMessageId(chatId);
  };
  let webhook: TelegramFake['webhook'] = null;
  /** The waiting getUpdates (a newer one ends it with 409, as Telegram does). */
  let poller: { offset: number; wake: (answer?: FakeReply) => void } | undefined;

  const confirm = (offset: number) => {
    while (queue.length > 0 && Number(queue[0]!.update_id) < offset) queue.shift();
  };

  async function getUpdates(p: Params): Promise<FakeReply> {
    if (webhook) return fail({ status: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    const offset = num(p.offset);
    if (offset !== undefined) confirm(offset);
    const limit = Math.min(Math.max(num(p.limit) ?? 100, 1), 100);
    const available = () => queue.slice(0, limit);
    const timeout = Math.min(num(p.timeout) ?? 0, 50);
    if (available().length > 0 || timeout <= 0) return ok(available());
    poller?.wake(fail({ status: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' }));
    const answer = await new Promise<FakeReply | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeout * 1000);
      const me = {
        offset: offset ?? 0,
        wake: (a?: FakeReply) => {
          clearTimeout(timer);
          if (poller === me) poller = undefined;
          resolve(a);
        },
      };
      poller = me;
    });
    return answer ?? ok(available());
  }

  function sendMethod(method: string, call: TelegramFakeCall): FakeReply {
    const chatId = str(call.params.chat_id);
    if (!chatId) return badRequest('chat_id is empty');
    const field = method === 'sendphoto' ? 'photo' : method === 'senddocument' ? 'document' : undefined;
    const text = str(call.params.text);
    const caption = str(call.params.caption);
    const upload = field ? call.files.find((f) => f.field === field) : undefined;
    const file = upload ?? (field ? str(call.params[field]) : undefined);
    if (field && !file) return badRequest(`there is no ${field} in the request`);
    if (!field && !text?.trim()) return badRequest('message text is empty');
    if (text && [...text].length > 4096) return badRequest('message is too long');
    if (caption && [...caption].length > 1024) return badRequest('message caption is too long');
    const messageId = nextMessageId(chatId);
    const replyParameters = call.params.reply_parameters as TelegramSentMessage['replyParameters'];
    sent.push({ method: call.method, chatId, messageId, ...(text && { text }), ...(caption && { caption }), ...(replyParameters && { replyParameters }), ...(file && { file }) });
    const chat = { id: Number(chatId), type: Number(chatId) < 0 ? 'group' : 'private' };
    const content = field === 'photo' ? { photo: [{ file_id: `sent-${messageId}`, file_unique_id: `u-sent-${messageId}`, width: 1, height: 1 }] } : field ? { document: { file_id: `sent-${messageId}`, file_unique_id: `u-sent-${messageId}`, file_name: upload?.name } } : { text };
    return ok({ message_id: messageId, from: { ...bot, is_bot: true }, chat, date: Math.floor(Date.now() / 1000), ...content, ...(caption && { caption }) });
  }

  function method(name: string, call: TelegramFakeCall): FakeReply | Promise<FakeReply> {
    const p = call.params;
    switch (name) {
      case 'getme':
        return ok({ ...bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'setwebhook': {
        const url = str(p.url) ?? '';
        if (!url) return ok(true); // an empty url removes the webhook
        if (opts.requireHttps && !url.startsWith('https://')) return badRequest('bad webhook: An HTTPS URL must be provided for webhook');
        const secret = str(p.secret_token);
        if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return badRequest('secret token contains unallowed characters');
        webhook = { url, ...(secret && { secretToken: secret }), ...(p.allowed_updates !== undefined && { allowedUpdates: p.allowed_updates }) };
        poller?.wake(fail({ status: 409, description: 'Conflict: terminated by setWebhook request' }));
        return ok(true);
      }
      case 'deletewebhook':
        webhook = null;
        if (p.drop_pending_updates === true) queue.length = 0;
        return ok(true);
      case 'getwebhookinfo':
        return ok({ url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: queue.length });
      case 'getupdates':
        return getUpdates(p);
      case 'getfile': {
        const id = str(p.file_id) ?? '';
        const f = files.get(id);
        if (!f) return badRequest('invalid file_id');
        if (f.bytes.byteLength > 20 * 1024 * 1024) return badRequest('file is too big');
        return ok({ file_id: id, file_unique_id: f.unique, file_size: f.bytes.byteLength, file_path: f.path });
      }
      case 'sendmessage':
      case 'sendphoto':
      case 'senddocument':
        return sendMethod(name, call);
      default:
        return fail({ status: 404, description: 'Not Found: method not found' });
    }
  }

  async function route(req: FakeRequest): Promise<FakeReply> {
    const path = new URL(req.path, 'http://fake').pathname;
    const download = /^\/file\/bot([^/]+)\/(.+)$/.exec(path);
    if (download) {
      if (download[1] !== token) return fail({ status: 401, description: 'Unauthorized' });
      const f = [...files.values()].find((x) => x.path === decodeURI(download[2]!));
      return f ? { status: 200, body: f.bytes, headers: { 'content-length': String(f.bytes.byteLength) } } : fail({ status: 404, description: 'Not Found' });
    }
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(path);
    if (!api) return fail({ status: 404, description: 'Not Found' });
    if (api[1] !== token) return fail({ status: 401, description: 'Unauthorized' });
    const name = api[2]!.toLowerCase();
    let call: TelegramFakeCall;
    try {
      call = await decodeCall(api[2]!, req);
    } catch {
      return badRequest("can't parse request parameters");
    }
    calls.push(call);
    const scripted = failures.get(name)?.shift();
    if (scripted) return fail(scripted);
    return method(name, call);
  }

  const http = await startFake({ route });

  async function postToWebhook(update: unknown, o: { secretToken?: string | null; rawBody?: string } = {}) {
    if (!webhook) throw new Error('no webhook registered (setWebhook)');
    const secret = o.secretToken === undefined ? webhook.secretToken : o.secretToken;
    const res = await fetch(opts.webhookTarget?.(webhook.url) ?? webhook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret != null && { 'x-telegram-bot-api-secret-token': secret }) },
      body: o.rawBody ?? JSON.stringify(update),
    });
    return { status: res.status, body: await res.text() };
  }

  return {
    url: http.url,
    token,
    bot,
    requests: http.requests,
    calls,
    callsOf: (m) => calls.filter((c) => c.method.toLowerCase() === m.toLowerCase()),
    sent,
    get webhook() {
      return webhook;
    },
    addFile(bytes, o = {}) {
      const n = files.size + 1;
      const file_id = `AgAC${randomBytes(12).toString('base64url')}${n}`;
      const file_unique_id = `AQAD${n}${randomBytes(4).toString('hex')}`;
      files.set(file_id, { unique: file_unique_id, path: o.path ?? `documents/file_${n}.bin`, bytes });
      return { file_id, file_unique_id, file_size: bytes.byteLength };
    },
    async pushUpdate(partial) {
      const update: Record<string, unknown> = { update_id: nextUpdateId++, ...structuredClone(partial) };
      numberMessage(update.message);
      if (webhook) return { update, status: (await postToWebhook(update)).status };
      queue.push(update);
      if (poller && Number(update.update_id) >= poller.offset) poller.wake();
      return { update };
    },
    postToWebhook,
    pending: () => [...queue],
    failNext(m, error, times = 1) {
      const list = failures.get(m.toLowerCase()) ?? [];
      for (let i = 0; i < times; i++) list.push(error);
      failures.set(m.toLowerCase(), list);
    },
    close() {
      poller?.wake();
      return http.close();
    },
  };
}

/**
 * A private-chat message from `user`, as an Update's `message` (add text, photo… in `fields`). Without a
 * `message_id` in `fields`, `pushUpdate` numbers it in the chat's sequence.
 */
export function telegramUserMessage(
  user: { id: number; first_name?: string; last_name?: string; username?: string },
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    from: { is_bot: false, first_name: 'Test', ...user },
    chat: { id: user.id, type: 'private', first_name: user.first_name ?? 'Test' },
    date: Math.floor(Date.now() / 1000),
    ...fields,
  };
}
