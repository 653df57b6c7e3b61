import { describe, expect, it } from 'vitest';
import { MediaLinks } from './media-links.ts';

const SECRET = 'test-secret-0123456789abcdef0123456789';
const links = new MediaLinks(SECRET, 'https://support.example', 60_000);
const NOW = Date.UTC(2025, 0, 1);
const file = { id: '0193c0de-0000-7000-8000-000000000001', name: 'label (1).jpg' };

const parts = (url: string) => {
  const u = new URL(url);
  return { path: u.pathname, expires: u.searchParams.get('expires') ?? undefined, signature: u.searchParams.get('signature') ?? undefined };
};

describe('media links', () => {
  it('signs a public URL under PUBLIC_URL that verifies until it expires', () => {
    const url = links.url(file, NOW);
    const { path, expires, signature } = parts(url);
    expect(url.startsWith('https://support.example/media/')).toBe(true);
    expect(path).toBe(`/media/${file.id}/label%20(1).jpg`);
    expect(Number(expires)).toBe((NOW + 60_000) / 1000);
    expect(links.verify(file.id, expires, signature, NOW)).toBe(true);
    expect(links.verify(file.id, expires, signature, NOW + 60_000)).toBe(true);
    expect(links.verify(file.id, expires, signature, NOW + 61_000)).toBe(false);
  });

  it('refuses another file, a moved expiry, a missing or foreign signature', () => {
    const { expires, signature } = parts(links.url(file, NOW));
    expect(links.verify('0193c0de-0000-7000-8000-000000000002', expires, signature, NOW)).toBe(false);
    expect(links.verify(file.id, String(Number(expires) + 3600), signature, NOW)).toBe(false);
    expect(links.verify(file.id, expires, undefined, NOW)).toBe(false);
    expect(links.verify(file.id, 'soon', signature, NOW)).toBe(false);
    const other = new MediaLinks('another-secret-0123456789abcdef01234', 'https://support.example');
    expect(other.verify(file.id, expires, signature, NOW)).toBe(false);
  });
});
