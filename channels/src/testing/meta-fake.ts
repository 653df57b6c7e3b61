/**
 * A local Graph API standing in for Meta (Messenger, Instagram, WhatsApp Cloud API), on top of the HTTP fake.
 * It speaks Meta's wire format: bearer (or `access_token`) auth, JSON error bodies
 * `{ error: { message, type, code, error_subcode, fbtrace_id } }`, the send endpoints, multipart uploads and
 * WhatsApp media (`GET /{version}/{media-id}` → a URL whose download needs the token too).
 */
import { randomBytes } from 'node:crypto';
import { startFake, type FakeReply, type FakeRequest } from './http-fake.ts';

export interface GraphError {
  message: string;
  type?: string;
  code: number;
  error_subcode?: number;
  error_data?: unknown;
}

/** A message the fake accepted. `body` is the JSON sent (or the multipart fields of an upload). */
export interface GraphSend {
  endpoint: 'whatsapp' | 'messaging';
  id: string;
  body: any;
}

export interface GraphUpload {
  endpoint: 'whatsapp-media' | 'message-attachments';
  id: string;
  fields: Record<string, string>;
  file: { name: string; type: string; bytes: Buffer };
}

export interface MetaFakeOptions {
  accessToken: string;
  pageId: string;
  instagramAccountId: string;
  phoneNumberId: string;
}

export interface MetaFake {
  url: string;
  requests: FakeRequest[];
  sends: GraphSend[];
  uploads: GraphUpload[];
  /** The token the fake accepts (change it to simulate a revoked token). */
  accessToken: string;
  /** The next `times` POSTs answer this error (`status` 5xx for outages, 400 with Meta codes for refusals). */
  failNext(status: number, error?: GraphError, times?: number): void;
  /**
   * A customer's profile, served at `GET /{version}/{id}?fields=…` (only the fields asked for, with `id`), as the
   * User Profile API serves Messenger PSIDs (`first_name`, `last_name`, `profile_pic`) and Instagram IGSIDs
   * (`name`, `username`). Unknown ids answer Meta's 400 (code 100/33).
   */
  addProfile(id: string, fields: Record<string, string>): void;
  /** Stores a file as WhatsApp media; returns its media id. */
  addMedia(bytes: Uint8Array, mimeType: string): string;
  /** Resolves once `n` messages were accepted. */
  waitForSends(n: number, timeoutMs?: number): Promise<GraphSend[]>;
  close(): Promise<void>;
}

export function graphErrorBody(e: GraphError) {
  return { error: { type: 'OAuthException', ...e, fbtrace_id: `A${randomBytes(9).toString('base64url')}` } };
}

const reply = (status: number, body: object): FakeReply => ({ status, body, ...(status === 401 ? { headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token"' } } : {}) });
const error = (status: number, e: GraphError) => reply(status, graphErrorBody(e));
const missingObject = (id: string) =>
  error(400, { message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, type: 'GraphMethodException', code: 100, error_subcode: 33 });

async function multipart(req: FakeRequest): Promise<{ fields: Record<string, string>; file: GraphUpload['file'] | null }> {
  const form = await new Response(new Uint8Array(req.bytes), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
  const fields: Record<string, string> = {};
  let file: GraphUpload['file'] | null = null;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields[name] = value;
    else file = { name: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) };
  }
  return { fields, file };
}

export async function startMetaFake(opts: MetaFakeOptions): Promise<MetaFake> {
  const sends: GraphSend[] = [];
  const uploads: GraphUpload[] = [];
  const failures: Array<{ status: number; error: GraphError }> = [];
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const profiles = new Map<string, Record<string, string>>();
  const waiters: Array<() => void> = [];
  let seq = 0;
  const state = { accessToken: opts.accessToken };
  let base = '';

  const authorized = (req: FakeRequest) => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const query = new URL(req.path, 'http://x').searchParams.get('access_token');
    return (bearer ?? query) === state.accessToken;
  };

  const accept = (send: GraphSend, body: object): FakeReply => {
    sends.push(send);
    for (const w of waiters.splice(0)) w();
    return reply(200, body);
  };

  const objects: Record<string, object> = {
    me: { id: opts.pageId, name: 'Acme Support' },
    [opts.pageId]: { id: opts.pageId, name: 'Acme Support' },
    [opts.instagramAccountId]: { id: opts.instagramAccountId, username: 'acme.support' },
    [opts.phoneNumberId]: { id: opts.phoneNumberId, display_phone_number: '+1 555-078-3881', verified_name: 'Acme Support' },
  };

  async function post(rest: string[], req: FakeRequest): Promise<FakeReply> {
    const [first, second] = rest;
    const id = `${++seq}`;
    if (first === opts.phoneNumberId && second === 'messages') {
      const body = JSON.parse(req.body) as { messaging_product?: string; to?: string; type?: string };
      if (body.messaging_product !== 'whatsapp') return error(400, { message: '(#100) The parameter messaging_product is required.', code: 100 });
      if (!body.to || !/^\+?\d{6,15}$/.test(body.to)) return error(400, { message: '(#100) Invalid parameter', code: 100, error_data: { details: 'Invalid to' } });
      const wamid = `wamid.HBgL${Buffer.from(`${body.to}-${id}`).toString('base64url')}`;
      return accept({ endpoint: 'whatsapp', id: wamid, body }, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to.replace('+', '') }], messages: [{ id: wamid }] });
    }
    if (first === 'me' && second === 'messages') {
      const body = JSON.parse(req.body) as { recipient?: { id?: string }; message?: { text?: string; attachment?: unknown } };
      if (!body.recipient?.id) return error(400, { message: '(#100) The parameter recipient is required', code: 100 });
      if (!body.message?.text && !body.message?.attachment) return error(400, { message: '(#100) Param message must be non-empty', code: 100 });
      const mid = `m_${Buffer.from(`${body.recipient.id}-${id}`).toString('base64url')}`;
      return accept({ endpoint: 'messaging', id: mid, body }, { recipient_id: body.recipient.id, message_id: mid });
    }
    const upload = (first === opts.phoneNumberId && second === 'media' && 'whatsapp-media') || (first === 'me' && second === 'message_attachments' && 'message-attachments');
    if (upload) {
      const { fields, file } = await multipart(req);
      if (!file) return error(400, { message: '(#100) Upload is missing the file', code: 100 });
      uploads.push({ endpoint: upload, id, fields, file });
      return reply(200, upload === 'whatsapp-media' ? { id } : { attachment_id: id });
    }
    return error(400, { message: `Unknown path components: /${rest.join('/')}`, code: 2500 });
  }

  function get(rest: string[], query: URLSearchParams): FakeReply {
    const [first] = rest;
    const profile = first ? profiles.get(first) : undefined;
    if (profile) {
      const wanted = (query.get('fields') ?? 'id').split(',').map((f) => f.trim());
      return reply(200, Object.fromEntries([['id', first], ...wanted.filter((f) => f in profile).map((f) => [f, profile[f]])]));
    }
    const file = first ? media.get(first) : undefined;
    if (file) return reply(200, { messaging_product: 'whatsapp', url: `${base}/whatsapp-media/${first}?ext=${Date.now()}`, mime_type: file.mimeType, sha256: 'fake', file_size: file.bytes.length, id: first });
    const object = first ? objects[first] : undefined;
    return object ? reply(200, object) : missingObject(first ?? '');
  }

  const fake = await startFake({
    route: async (req) => {
      const url = new URL(req.path, 'http://x');
      const parts = url.pathname.split('/').filter(Boolean);
      if (parts[0] === 'whatsapp-media') {
        // Meta's media host wants the token too, and answers 404 for unknown files.
        if (!authorized(req)) return { status: 401, body: 'unauthorized' };
        const file = media.get(parts[1] ?? '');
        return file ? { status: 200, body: file.bytes, headers: { 'content-type': file.mimeType } } : { status: 404, body: 'not found' };
      }
      if (!/^v\d+\.\d+$/.test(parts[0] ?? '')) return error(400, { message: 'Unknown path components', code: 2500 });
      if (!authorized(req)) return error(401, { message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
      if (req.method === 'POST') {
        const failure = failures.shift();
        if (failure) return error(failure.status, failure.error);
        return post(parts.slice(1), req);
      }
      return get(parts.slice(1), url.searchParams);
    },
  });
  base = fake.url;

  return {
    url: fake.url,
    requests: fake.requests,
    sends,
    uploads,
    get accessToken() {
      return state.accessToken;
    },
    set accessToken(token: string) {
      state.accessToken = token;
    },
    failNext(status, e = { message: status >= 500 ? 'An unexpected error has occurred. Please retry your request later.' : 'Invalid parameter', code: status >= 500 ? 2 : 100 }, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, error: e });
    },
    addProfile(id, fields) {
      profiles.set(id, fields);
    },
    addMedia(bytes, mimeType) {
      const id = String(900_000_000_000 + media.size + 1);
      media.set(id, { bytes: Buffer.from(bytes), mimeType });
      return id;
    },
    async waitForSends(n, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (sends.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} sends, the fake saw ${sends.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return sends;
    },
    close: () => fake.close(),
  };
}
