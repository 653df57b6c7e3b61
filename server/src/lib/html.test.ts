import { emailAdapter } from '@switchboard/channels';
import { emailTestContext, htmlThreats, listEmailFixtures, readEmailFixture } from '@switchboard/channels/testing';
import { describe, expect, it } from 'vitest';
import { htmlToText, sanitizeHtml } from './html.ts';

const ctx = emailTestContext();
const files = listEmailFixtures('xss');

async function sanitizedHtmlOf(file: string): Promise<string> {
  const parsed = await emailAdapter.parseRaw?.(readEmailFixture(`xss/${file}`), ctx as never);
  const html = parsed?.messages[0]?.html;
  if (!html) throw new Error(`${file}: no html parsed`);
  return sanitizeHtml(html);
}

describe('sanitizeHtml against the hostile email corpus', () => {
  it('has at least 12 hostile mails', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files)('%s: every vector is gone, the benign content survives', async (file) => {
    const out = await sanitizedHtmlOf(file);
    expect(htmlThreats(out)).toEqual([]);

    const nr = file.slice(0, 2);
    expect(out).toContain(`BENIGN-${nr}`);
    expect(out).toMatch(/<a [^>]*href="https:\/\/acme\.example\/ok"[^>]*rel="noopener noreferrer nofollow"[^>]*>my account<\/a>/);
  });

  it('keeps cid images and moves remote images to data-remote-src', async () => {
    const out = await sanitizedHtmlOf('10-tracking-pixels.eml');
    expect(out).toContain('src="cid:logo@acme.example"');
    expect(out).toContain('data-remote-src="https://track.example/open.gif?u=42"');
    expect(out).toContain('data-remote-src="http://track.example/plain-http.gif"');
    expect(out).not.toMatch(/\ssrc="https?:/);
  });

  it('keeps inline raster data images but not data: html or svg', async () => {
    const out = await sanitizedHtmlOf('12-srcset-lazy-and-data.eml');
    expect(out).toContain('src="data:image/png;base64,');
    expect(out).not.toContain('data:text/html');
    const svg = await sanitizedHtmlOf('09-svg-math.eml');
    expect(svg).not.toContain('data:image/svg');
  });

  it('keeps ordinary formatting, tables and mailto links', () => {
    const html =
      '<p>Hi <b>Ada</b>, <a href="mailto:help@acme.example">mail us</a></p><table><tr><td colspan="2">x</td></tr></table>';
    expect(sanitizeHtml(html)).toBe(
      '<p>Hi <b>Ada</b>, <a href="mailto:help@acme.example" target="_blank" rel="noopener noreferrer nofollow">mail us</a></p><table><tr><td colspan="2">x</td></tr></table>',
    );
    expect(htmlToText('<p>a</p><p>b &amp; c</p>')).toBe('a\nb & c');
  });
});

describe('sanitizeHtml: image sources', () => {
  it('keeps a remote image URL in data-remote-src, never in src', () => {
    expect(sanitizeHtml('<img alt="pixel" src="https://images.example/p.gif">')).toBe('<img data-remote-src="https://images.example/p.gif" alt="pixel" />');
    expect(sanitizeHtml('<img src=" HTTP://images.example/p.gif">')).toBe('<img data-remote-src="HTTP://images.example/p.gif" />');
  });

  it('keeps inline data and cid images, drops other schemes and smuggled data-remote-src values', () => {
    expect(sanitizeHtml('<img src="data:image/png;base64,AA==">')).toBe('<img src="data:image/png;base64,AA==" />');
    expect(sanitizeHtml('<img src="javascript:alert(1)">')).toBe('<img />');
    expect(sanitizeHtml('<img src="cid:a@b" data-remote-src="javascript:alert(1)">')).toBe('<img src="cid:a@b" />');
  });
});
