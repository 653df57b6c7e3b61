import type { InboundRequest } from '../contract.ts';

/**
 * A replay key (see ChannelAdapter.replayKey) for providers that sign each request: the URL called, the named
 * signature headers and the raw body. A provider's retry sends exactly these again; any other request differs.
 */
export function signedRequestKey(req: InboundRequest, headers: string[]): string {
  return JSON.stringify([req.method.toUpperCase(), req.url, ...headers.map((h) => req.headers[h] ?? null), req.rawBody]);
}
