import { isIP } from 'node:net';

/**
 * The client's address behind `trustedHops` reverse proxies (TRUST_PROXY_HOPS): each trusted proxy appends the
 * address it received the request from to X-Forwarded-For, and the last one is the TCP peer. So the client is the
 * entry `trustedHops` places from the end of [...X-Forwarded-For, peer]; entries before it may be forged and are
 * ignored. With 0 hops (the default) the header is not read at all. An entry that is not an IP address, or a
 * header shorter than the hops claimed, falls back to the outermost address the proxies vouch for.
 */
export function clientIpFrom(peer: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  const tcp = peer ?? 'unknown';
  if (trustedHops <= 0 || forwardedFor === undefined) return tcp;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const chain = [
    ...header
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    tcp,
  ];
  const index = Math.max(0, chain.length - 1 - trustedHops);
  for (let i = index; i < chain.length; i++) {
    const candidate = chain[i]!;
    if (isIP(candidate)) return candidate;
  }
  return tcp;
}
