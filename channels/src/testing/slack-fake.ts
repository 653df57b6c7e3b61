/**
 * A local stand-in for the Slack Web API, speaking its wire format: form-encoded (or JSON) method calls at
 * `/api/<method>` with the bot token as `Authorization: Bearer` (or a `token` field), answers `{ok:true,…}` or
 * `{ok:false,error}` with HTTP 200, 429 with Retry-After, 5xx on request. Files download from `url_private` with the
 * bearer token (without it: Slack's HTML sign-in page, status 200), uploads follow files.uploadV2's three steps.
 * Point `WebClient` at `apiUrl` (the adapter's `apiUrl` setting).
 */
import { nextSlackTs } from '../slack/fixtures.ts';
import { startFake, type FakeReply, type FakeRequest } from './http-fake.ts';

export interface SlackFakeUser {
  id: string;
  teamId: string;
  name: string;
  email?: string;
  displayName?: string;
  isBot?: boolean;
}

export interface SlackFakeCall {
  method: string;
  params: Record<string, string>;
  /** The token the call carried (bearer header or `token` field). */
  token: string | null;
}

/** A message the fake's workspace holds because chat.postMessage put it there. */
export interface SlackFakePost {
  channel: string;
  ts: string;
  text: string;
  thread_ts?: string;
  username?: string;
}

export interface SlackFakeUpload {
  fileId: string;
  filename: string;
  bytes: Buffer;
  channelId?: string;
  threadTs?: string;
}

/** How a method fails: a platform error (`{ok:false,error}`), or an HTTP status (429 gets Retry-After). */
export type SlackFakeFailure = { error: string } | { status: number; retryAfter?: number };

export interface SlackFake {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/api/`: the adapter's `apiUrl`. */
  apiUrl: string;
  token: string;
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  calls: SlackFakeCall[];
  callsTo(method: string): SlackFakeCall[];
  posts: SlackFakePost[];
  uploads: SlackFakeUpload[];
  /** File downloads (GET /files/…) as received. */
  downloads: FakeRequest[];
  addUser(user: SlackFakeUser): void;
  /** Hosts a file; returns it as a message event's `files[]` entry shows it. */
  addFile(file: { id: string; name: string; mimetype: string; bytes: Uint8Array }): Record<string, unknown>;
  /** The next `times` calls of `method` (default: every call until `recover`) fail this way. */
  fail(method: string, failure: SlackFakeFailure, times?: number): void;
  recover(method?: string): void;
  close(): Promise<void>;
}

const SIGN_IN_PAGE = '<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to Slack</body></html>';

function paramsOf(req: FakeRequest): Record<string, string> {
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const json = JSON.parse(req.body || '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(req.body));
  return {};
}

const ok = (body: Record<string, unknown>): FakeReply => ({ status: 200, body: { ok: true, ...body } });
const platformError = (error: string): FakeReply => ({ status: 200, body: { ok: false, error } });

export async function startSlackFake(opts: { token?: string; teamId?: string; botUserId?: string; botId?: string; appId?: string } = {}): Promise<SlackFake> {
  const http = await startFake();
  const token = opts.token ?? 'xoxb-test-0000-0000-fake';
  const teamId = opts.teamId ?? 'T0HOST';
  const botUserId = opts.botUserId ?? 'U0SWITCHBD';
  const botId = opts.botId ?? 'B0SWITCHBD';
  const appId = opts.appId ?? 'A0SWITCHBD';
  const users = new Map<string, SlackFakeUser>();
  const files = new Map<string, { id: string; name: string; mimetype: string; bytes: Buffer }>();
  const failures = new Map<string, { failure: SlackFakeFailure; left: number }>();
  const calls: SlackFakeCall[] = [];
  const posts: SlackFakePost[] = [];
  const uploads: SlackFakeUpload[] = [];
  const downloads: FakeRequest[] = [];
  // Slack's ts is unique per channel: share the fixtures' generator, so a post never takes the ts of a test's event.
  const nextTs = () => nextSlackTs();

  const fileUrl = (id: string, name: string) => `${http.url}/files/${teamId}-${id}/${encodeURIComponent(name)}`;
  const fileObject = (f: { id: string; name: string; mimetype: string; bytes: Buffer }) => ({
    id: f.id,
    name: f.name,
    title: f.name,
    mimetype: f.mimetype,
    size: f.bytes.length,
    url_private: fileUrl(f.id, f.name),
    url_private_download: `${fileUrl(f.id, f.name)}?download=1`,
  });

  function injectedFailure(method: string): FakeReply | undefined {
    const f = failures.get(method);
    if (!f || f.left <= 0) return undefined;
    f.left--;
    if ('error' in f.failure) return platformError(f.failure.error);
    const headers: Record<string, string> = f.failure.status === 429 ? { 'retry-after': String(f.failure.retryAfter ?? 1) } : {};
    return { status: f.failure.status, body: f.failure.status === 429 ? '' : 'upstream unavailable', headers };
  }

  function method(name: string, p: Record<string, string>): FakeReply {
    switch (name) {
      case 'auth.test':
        return ok({ url: 'https://acme-host.slack.com/', team: 'Acme Host', user: 'switchboard', team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false });
      case 'users.info': {
        const u = users.get(p.user ?? '');
        if (!u) return platformError('user_not_found');
        const profile: Record<string, unknown> = { real_name: u.name, display_name: u.displayName ?? '', team: u.teamId };
        if (u.email) profile.email = u.email;
        return ok({ user: { id: u.id, team_id: u.teamId, name: u.name.toLowerCase().replace(/\s+/g, '.'), real_name: u.name, is_bot: u.isBot ?? false, profile } });
      }
      case 'chat.postMessage': {
        if (!p.channel) return platformError('channel_not_found');
        if (!p.text && !p.blocks) return platformError('no_text');
        const post: SlackFakePost = { channel: p.channel, ts: nextTs(), text: p.text ?? '' };
        if (p.thread_ts) post.thread_ts = p.thread_ts;
        if (p.username) post.username = p.username;
        posts.push(post);
        return ok({ channel: post.channel, ts: post.ts, message: { type: 'message', text: post.text, user: botUserId, bot_id: botId, app_id: appId, ts: post.ts, ...(post.thread_ts ? { thread_ts: post.thread_ts } : {}), ...(post.username ? { username: post.username } : {}) } });
      }
      case 'files.info': {
        const f = files.get(p.file ?? '');
        return f ? ok({ file: fileObject(f) }) : platformError('file_not_found');
      }
      case 'files.getUploadURLExternal': {
        if (!p.filename || !p.length) return platformError('invalid_arguments');
        const fileId = `F0UP${String(uploads.length + 1).padStart(4, '0')}`;
        uploads.push({ fileId, filename: p.filename, bytes: Buffer.alloc(0) });
        return ok({ upload_url: `${http.url}/upload/${fileId}`, file_id: fileId });
      }
      case 'files.completeUploadExternal': {
        const listed = JSON.parse(p.files ?? '[]') as Array<{ id: string; title?: string }>;
        const done = listed.map((l) => uploads.find((u) => u.fileId === l.id));
        if (done.some((u) => !u)) return platformError('file_not_found');
        for (const u of done as SlackFakeUpload[]) {
          if (p.channel_id) u.channelId = p.channel_id;
          if (p.thread_ts) u.threadTs = p.thread_ts;
        }
        return ok({ files: (done as SlackFakeUpload[]).map((u) => ({ id: u.fileId, name: u.filename, title: u.filename })) });
      }
      default:
        return { status: 404, body: { ok: false, error: 'unknown_method' } };
    }
  }

  http.route((req) => {
    const url = new URL(req.path, http.url);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      downloads.push(req);
      const id = url.pathname.split('/')[2]?.slice(teamId.length + 1) ?? '';
      const f = files.get(id);
      if (bearer !== token) return { status: 200, body: SIGN_IN_PAGE, headers: { 'content-type': 'text/html; charset=utf-8' } };
      return f ? { status: 200, body: f.bytes, headers: { 'content-type': f.mimetype } } : { status: 404, body: 'not found' };
    }
    if (req.method === 'POST' && url.pathname.startsWith('/upload/')) {
      const upload = uploads.find((u) => u.fileId === url.pathname.slice('/upload/'.length));
      if (!upload) return { status: 404, body: 'not found' };
      upload.bytes = req.bytes;
      return { status: 200, body: `OK - ${req.bytes.length}` };
    }
    const m = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (req.method !== 'POST' || !m?.[1]) return { status: 404, body: 'not found' };
    const params = paramsOf(req);
    const given = bearer ?? params.token ?? null;
    calls.push({ method: m[1], params, token: given });
    const failure = injectedFailure(m[1]);
    if (failure) return failure;
    if (given === null) return platformError('not_authed');
    if (given !== token) return platformError('invalid_auth');
    return method(m[1], params);
  });

  return {
    url: http.url,
    apiUrl: `${http.url}/api/`,
    token,
    teamId,
    botUserId,
    botId,
    appId,
    calls,
    callsTo: (name) => calls.filter((c) => c.method === name),
    posts,
    uploads,
    downloads,
    addUser: (u) => void users.set(u.id, u),
    addFile(f) {
      const file = { ...f, bytes: Buffer.from(f.bytes) };
      files.set(f.id, file);
      return fileObject(file);
    },
    fail: (name, failure, times = Number.POSITIVE_INFINITY) => void failures.set(name, { failure, left: times }),
    recover: (name) => (name ? void failures.delete(name) : failures.clear()),
    close: () => http.close(),
  };
}
