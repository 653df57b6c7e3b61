import { signApiPayload } from '@switchboard/channels/api';

/** A tiny REST client that holds a session cookie + CSRF token, or a bearer token. */
export class ApiClient {
  readonly base: string;
  cookie: string | null = null;
  csrf: string | null = null;
  token: string | null = null;

  constructor(base: string) {
    this.base = base;
  }

  async request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    else if (this.cookie) {
      headers.cookie = this.cookie;
      if (this.csrf && method !== 'GET') headers['x-csrf-token'] = this.csrf;
    }
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const setCookie = res.headers.get('set-cookie');
    const m = setCookie?.match(/sb_session=([^;]*)/);
    if (m) this.cookie = m[1] ? `sb_session=${m[1]}` : null;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed && typeof parsed.csrfToken === 'string') this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = any>(path: string) => this.request<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.request<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body: unknown) => this.request<T>('PATCH', path, body);
  put = <T = any>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);

  async login(email: string, password: string): Promise<this> {
    const r = await this.post('/api/session', { email, password });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return this;
  }
}

export const ADMIN = { email: 'admin@example.test', password: 'correct horse battery', name: 'Ada Admin' };

/** First-run setup: creates the workspace and its admin, returns the admin's client. */
export async function setupAdmin(base: string, who = ADMIN, workspaceName = 'Acme'): Promise<ApiClient> {
  const c = new ApiClient(base);
  const r = await c.post('/api/setup', { workspaceName, ...who });
  if (r.status !== 201) throw new Error(`setup failed: ${r.status} ${JSON.stringify(r.body)}`);
  return c;
}

/** POSTs a signed API-channel webhook. */
export async function postApiWebhook(base: string, publicToken: string, secret: string, payload: unknown, opts: { signature?: string | null; raw?: string } = {}) {
  const body = opts.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = opts.signature === undefined ? signApiPayload(secret, body) : opts.signature;
  if (sig !== null) headers['x-switchboard-signature'] = sig;
  const res = await fetch(`${base}/webhooks/api/${publicToken}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}
