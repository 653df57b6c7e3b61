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
  /** The body's bytes (multipart uploads, binary payloads). */
  bytes: Buffer;
}

/** What a route answers (see {@link HttpFake.route}). */
export interface FakeReply extends FakeResponseOptions {
  status: number;
  body?: string | object | Uint8Array;
}

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
  requests: FakeRequest[];
  /**
   * Answers requests with `handler` (a provider fake with several endpoints); where it returns undefined, the
   * `respondWith` response applies. `null` removes it.
   */
  route(handler: ((req: FakeRequest) => FakeReply | undefined) | null): void;
  close(): Promise<void>;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const serialize = (body: string | object | Uint8Array): string | Uint8Array =>
  typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);

export async function startFake(): Promise<HttpFake> {
  let response: { status: number; body: string | Uint8Array; opts: FakeResponseOptions } = { status: 200, body: '{}', opts: {} };
  let handler: ((req: FakeRequest) => FakeReply | undefined) | null = null;
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: flattenHeaders(req),
        body: bytes.toString('utf8'),
        bytes,
      };
      requests.push(request);
      const routed = handler?.(request);
      const { status, body, opts } = routed
        ? { status: routed.status, body: serialize(routed.body ?? ''), opts: routed }
        : response;
      const answer = () => {
        if (res.destroyed) return;
        const isJson = typeof body === 'string' && (body.startsWith('{') || body.startsWith('['));
        res.writeHead(status, {
          'content-type': typeof body !== 'string' ? 'application/octet-stream' : isJson ? 'application/json' : 'text/plain; charset=utf-8',
          ...opts.headers,
        });
        res.end(body);
      };
      if (opts.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, opts.delayMs);
        timers.add(t);
      } else {
        answer();
      }
    });
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
