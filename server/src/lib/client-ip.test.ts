import { describe, expect, it } from 'vitest';
import { clientIpFrom } from './client-ip.ts';

describe('clientIpFrom', () => {
  it('uses the TCP peer and ignores X-Forwarded-For without trusted proxies', () => {
    expect(clientIpFrom('10.0.0.5', '203.0.113.7', 0)).toBe('10.0.0.5');
    expect(clientIpFrom(undefined, undefined, 0)).toBe('unknown');
  });

  it('takes the address the trusted proxies received the request from', () => {
    expect(clientIpFrom('10.0.0.5', '203.0.113.7', 1)).toBe('203.0.113.7');
    // Two proxies: a CDN appended the client, the load balancer (the peer) appended the CDN.
    expect(clientIpFrom('10.0.0.5', '203.0.113.7, 198.51.100.2', 2)).toBe('203.0.113.7');
    expect(clientIpFrom('10.0.0.5', ['203.0.113.7', '198.51.100.2'], 2)).toBe('203.0.113.7');
  });

  it('ignores what the client wrote in front of it (forged entries)', () => {
    expect(clientIpFrom('10.0.0.5', '1.2.3.4, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientIpFrom('10.0.0.5', '2001:db8::1', 1)).toBe('2001:db8::1');
  });

  it('falls back to an address the proxies vouch for when the header is short or not an address', () => {
    expect(clientIpFrom('10.0.0.5', '203.0.113.7', 3)).toBe('203.0.113.7');
    expect(clientIpFrom('10.0.0.5', 'unknown', 1)).toBe('10.0.0.5');
    expect(clientIpFrom('10.0.0.5', '', 1)).toBe('10.0.0.5');
    expect(clientIpFrom('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
  });
});
