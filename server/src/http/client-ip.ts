import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { clientIpFrom } from '../lib/client-ip.ts';
import type { AppEnv } from './env.ts';

/** The client's address: the TCP peer, or behind TRUST_PROXY_HOPS proxies the one they forwarded for (lib/client-ip.ts). */
export function clientIp(c: Context<AppEnv>, trustedHops: number): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  return clientIpFrom(peer, c.req.header('x-forwarded-for'), trustedHops);
}
