/**
 * A tiny node:http server standing in for a provider API or an integrator's
 * webhook endpoint. Records every request; answers with a configurable response.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  /** Path + query as requested, e.g. `/hooks/switchboard?x=1`. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: string;
}

export interface FakeResponseOptions {
  headers?: Record<string, string>;
  /** Wait this long before answering (to exercise timeouts). */
  delayMs?: number;
}

/** An answer a fake's handler gives for one request. */
export interface FakeAnswer {
  status: number;
  body?: string | object | Uint8Array;
  headers?: Record<string, string>;
}

export interface FakeOptions {
  /**
   * Answers requests it knows (a provider fake's routes); `undefined` falls back to the `respondWith` response.
   * Every request is recorded either way.
   */
  handle?: (req: FakeRequest) => FakeAnswer | undefined;
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

function writeAnswer(res: ServerResponse, answer: FakeAnswer): void {
  const { body = '' } = answer;
  const bytes = body instanceof Uint8Array ? body : typeof body === 'string' ? body : JSON.stringify(body);
  const isJson = typeof bytes === 'string' && (bytes.startsWith('{') || bytes.startsWith('['));
  res.writeHead(answer.status, {
    'content-type': isJson ? 'application/json' : typeof bytes === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
    ...answer.headers,
  });
  res.end(bytes);
}

export async function startFake(opts: FakeOptions = {}): Promise<HttpFake> {
  let response = { status: 200, body: '{}', opts: {} as FakeResponseOptions };
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: FakeRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: flattenHeaders(req),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const routed = opts.handle?.(recorded);
      if (routed) {
        writeAnswer(res, routed);
        return;
      }
      const { status, body, opts: options } = response;
      const answer = () => {
        if (!res.destroyed) writeAnswer(res, { status, body, ...(options.headers ? { headers: options.headers } : {}) });
      };
      if (options.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, options.delayMs);
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
