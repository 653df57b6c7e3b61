/**
 * A tiny node:http server standing in for a provider API or an integrator's
 * webhook endpoint. Records every request; answers with a configurable response.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path + query as requested, e.g. `/hooks/switchboard?x=1`. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
  /** The body's bytes (binary uploads, multipart). */
  bytes: Buffer;
}

/** What a routed fake answers; `body` objects are sent as JSON. */
export interface FakeReply extends FakeResponseOptions {
  status: number;
  body?: string | Uint8Array | object;
}

/** Answers a request itself, or returns undefined to use the `respondWith` response. */
export type FakeRoute = (req: FakeRequest) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeResponseOptions {
  headers?: Record<string, string>;
  /** Wait this long before answering (to exercise timeouts). */
  delayMs?: number;
}

export interface HttpFake {
  /** Base URL, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** Sets the response for all following requests (default: 200 `{}`). */
  respondWith(status: number, body?: string | object, opts?: FakeResponseOptions): void;
  /**
   * Answers requests with `handler` (a provider fake with several endpoints), after the `route` given to
   * `startFake`; where both return undefined, the `respondWith` response applies. `null` removes it.
   */
  route(handler: FakeRoute | null): void;
  requests: FakeRequest[];
  close(): Promise<void>;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function encodeReply(reply: FakeReply): { body: string | Uint8Array; contentType: string } {
  const { body = '' } = reply;
  if (body instanceof Uint8Array) return { body, contentType: 'application/octet-stream' };
  if (typeof body === 'string') return { body, contentType: /^[[{]/.test(body) ? 'application/json' : 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/** `route` (optional) answers requests dynamically (a provider fake with several endpoints). */
export async function startFake(opts: { route?: FakeRoute } = {}): Promise<HttpFake> {
  let response = { status: 200, body: '{}', opts: {} as FakeResponseOptions };
  let handler: FakeRoute | null = null;
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const recorded: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: flattenHeaders(req),
        body: bytes.toString('utf8'),
        bytes,
      };
      requests.push(recorded);
      void respond(recorded);
    });
    const respond = async (recorded: FakeRequest) => {
      let routed: FakeReply | undefined;
      try {
        routed = (await opts.route?.(recorded)) ?? (await handler?.(recorded));
      } catch (err) {
        routed = { status: 500, body: `fake route failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      const reply = routed ?? { status: response.status, body: response.body, headers: response.opts.headers ?? {} };
      const { body, contentType } = encodeReply(reply);
      const delayMs = routed ? routed.delayMs : response.opts.delayMs;
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
        res.end(body);
      };
      if (delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, delayMs);
        timers.add(t);
      } else {
        answer();
      }
    };
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(status, body = '', opts = {}) {
      response = { status, body: typeof body === 'string' ? body : JSON.stringify(body), opts };
    },
    route(h) {
      handler = h;
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

/**
 * A fetch that sends every request to `baseUrl` instead, keeping path and query.
 * Lets the contract suite point any adapter (whatever provider host it calls) at a fake.
 */
export function redirectingFetch(baseUrl: string, realFetch: typeof fetch = fetch): typeof fetch {
  const base = new URL(baseUrl);
  const redirected = (input: string | URL | Request, init?: RequestInit) => {
    const original = new URL(input instanceof Request ? input.url : String(input));
    const target = new URL(original.pathname + original.search, base);
    if (input instanceof Request) return realFetch(new Request(target, input), init);
    return realFetch(target, init);
  };
  return redirected as typeof fetch;
}
