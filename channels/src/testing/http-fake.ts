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
  /** The exact bytes received (multipart uploads). */
  raw: Buffer;
}

/** A routed answer (see `startFake({ route })`). */
export interface FakeAnswer {
  status: number;
  body?: string | Uint8Array | object;
  headers?: Record<string, string>;
}

/**
 * Answers a request itself (a provider fake with several endpoints), may wait (long polls), or returns
 * undefined to fall back to the `respondWith` response.
 */
export type FakeRoute = (req: FakeRequest) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

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
  close(): Promise<void>;
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function encodeAnswer(a: FakeAnswer): { body: string | Uint8Array; type: string } {
  if (a.body instanceof Uint8Array) return { body: a.body, type: 'application/octet-stream' };
  if (typeof a.body === 'string' || a.body === undefined) return { body: a.body ?? '', type: 'text/plain; charset=utf-8' };
  return { body: JSON.stringify(a.body), type: 'application/json' };
}

export async function startFake(options: { route?: FakeRoute } = {}): Promise<HttpFake> {
  let response = { status: 200, body: '{}', opts: {} as FakeResponseOptions };
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const received: FakeRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: flattenHeaders(req), body: raw.toString('utf8'), raw };
      requests.push(received);
      if (options.route) {
        void Promise.resolve(options.route(received)).then(
          (routed) => {
            if (!routed) return answerDefault();
            if (res.destroyed) return;
            const { body, type } = encodeAnswer(routed);
            res.writeHead(routed.status, { 'content-type': type, ...routed.headers });
            res.end(body);
          },
          (err: unknown) => {
            if (!res.destroyed) res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
          },
        );
        return;
      }
      answerDefault();
    });
    const answerDefault = () => {
      const { status, body, opts } = response;
      const answer = () => {
        if (res.destroyed) return;
        const isJson = body.startsWith('{') || body.startsWith('[');
        res.writeHead(status, {
          'content-type': isJson ? 'application/json' : 'text/plain; charset=utf-8',
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
