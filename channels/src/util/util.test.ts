import { describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.ts';
import { hmacSha256Hex, verifyHmacSha256Hex } from './hmac.ts';
import { fetchWithTimeout, httpError } from './http.ts';
import { normalizeEmail, normalizePhone } from './normalize.ts';
import { htmlToText } from './text.ts';

describe('hmac', () => {
  it('verifies only the exact digest', () => {
    const sig = hmacSha256Hex('k', 'body');
    expect(verifyHmacSha256Hex('k', 'body', sig)).toBe(true);
    expect(verifyHmacSha256Hex('k', 'body ', sig)).toBe(false);
    expect(verifyHmacSha256Hex('k2', 'body', sig)).toBe(false);
    expect(verifyHmacSha256Hex('k', 'body', sig.slice(2))).toBe(false);
    expect(verifyHmacSha256Hex('k', 'body', 'g'.repeat(64))).toBe(false);
    expect(verifyHmacSha256Hex('', 'body', hmacSha256Hex('', 'body'))).toBe(false);
  });
});

describe('httpError', () => {
  it('maps statuses to transient or permanent', () => {
    const cases: Array<[number, string, boolean]> = [
      [408, 'timeout', true],
      [429, 'rate_limited', true],
      [500, 'provider_error', true],
      [503, 'provider_error', true],
      [400, 'rejected', false],
      [401, 'unauthorized', false],
      [403, 'unauthorized', false],
      [404, 'rejected', false],
    ];
    for (const [status, code, transient] of cases) {
      const err = httpError({ status }, 'body');
      expect(err).toBeInstanceOf(ChannelError);
      expect([err.code, err.transient, err.providerStatus]).toEqual([code, transient, status]);
    }
    expect(httpError({ status: 400 }, 'y'.repeat(5000)).message.length).toBeLessThan(560);
  });
});

describe('fetchWithTimeout', () => {
  it('maps network failures and timeouts to transient ChannelErrors', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    }) as unknown as typeof fetch;
    await expect(fetchWithTimeout(failing, 'https://x.example')).rejects.toMatchObject({
      code: 'network_error',
      transient: true,
    });
    const hanging = ((_url: string, init?: RequestInit) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    await expect(fetchWithTimeout(hanging, 'https://x.example', {}, { timeoutMs: 20 })).rejects.toMatchObject({
      code: 'timeout',
      transient: true,
    });
  });
});

describe('normalization', () => {
  it('normalizes emails', () => {
    expect(normalizeEmail('  Ada.Lovelace+x@Example.COM ')).toBe('ada.lovelace+x@example.com');
    for (const bad of ['', 'ada', '@x.com', 'ada@', 'ada@x', 'a b@x.com', 'ada@@x.com', 'a..b@x.com', 'ada@-x.com', 'a@1.2']) {
      expect(normalizeEmail(bad)).toBeNull();
    }
  });

  it('normalizes phones to E.164', () => {
    expect(normalizePhone('+1 (415) 555-2671')).toBe('+14155552671');
    expect(normalizePhone('030 12345678', 'DE')).toBe('+493012345678');
    expect(normalizePhone('4155552671')).toBeNull();
    expect(normalizePhone('+1 12')).toBeNull();
    expect(normalizePhone('hello')).toBeNull();
  });

  it('turns html into plain text', () => {
    expect(htmlToText('<style>p{}</style><p>a&nbsp;b</p><p>c<br>d &#x2713; &lt;x&gt;</p>')).toBe('a b\nc\nd ✓ <x>');
  });
});
