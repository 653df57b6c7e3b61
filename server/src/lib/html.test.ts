import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from './html.ts';

describe('sanitizeHtml remote images', () => {
  it('keeps a remote image URL in data-remote-src, never in src', () => {
    expect(sanitizeHtml('<img alt="pixel" src="https://images.example/p.gif">')).toBe('<img alt="pixel" data-remote-src="https://images.example/p.gif" />');
    expect(sanitizeHtml('<img src=" HTTP://images.example/p.gif">')).toBe('<img data-remote-src="HTTP://images.example/p.gif" />');
  });

  it('keeps inline data and cid images, drops other schemes and smuggled data-remote-src values', () => {
    expect(sanitizeHtml('<img src="data:image/png;base64,AA==">')).toBe('<img src="data:image/png;base64,AA==" />');
    expect(sanitizeHtml('<img src="javascript:alert(1)">')).toBe('<img />');
    expect(sanitizeHtml('<img src="cid:a@b" data-remote-src="javascript:alert(1)">')).toBe('<img src="cid:a@b" />');
  });
});
