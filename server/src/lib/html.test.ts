import { emailAdapter } from '@switchboard/channels';
import { emailTestContext, listEmailFixtures, readEmailFixture } from '@switchboard/channels/testing';
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

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#([0-9]+);?/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Every attribute of every tag in the output: [tag, name, decoded value]. */
function attributesOf(html: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = [];
  for (const tag of html.matchAll(/<([a-z0-9]+)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/gi)) {
    for (const attr of (tag[2] ?? '').matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) {
      out.push([(tag[1] ?? '').toLowerCase(), (attr[1] ?? '').toLowerCase(), decodeEntities(attr[2] ?? '')]);
    }
  }
  return out;
}

const FORBIDDEN_TAGS = [
  'script', 'style', 'form', 'input', 'button', 'select', 'textarea', 'iframe', 'frame', 'frameset', 'object',
  'embed', 'applet', 'param', 'meta', 'base', 'link', 'svg', 'math', 'video', 'audio', 'source', 'picture',
  'portal', 'isindex', 'title', 'noscript', 'xmp', 'area', 'body', 'html', 'head',
];
const URL_ATTRIBUTES = new Set(['href', 'src', 'data-remote-src', 'cite', 'action', 'formaction', 'poster', 'background']);
const LOADING_ATTRIBUTES = ['srcset', 'background', 'poster', 'lowsrc', 'dynsrc', 'ping', 'style', 'formaction', 'action', 'srcdoc', 'xlink:href'];

describe('sanitizeHtml against the hostile email corpus', () => {
  it('has at least 12 hostile mails', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files)('%s: every vector is gone, the benign content survives', async (file) => {
    const out = await sanitizedHtmlOf(file);
    const lower = out.toLowerCase();
    for (const tag of FORBIDDEN_TAGS) expect(lower, `<${tag}> in ${out}`).not.toMatch(new RegExp(`<${tag}[\\s/>]`));

    const attrs = attributesOf(out);
    for (const [tag, name, value] of attrs) {
      expect(name, `${tag} ${name}`).not.toMatch(/^on/);
      expect(LOADING_ATTRIBUTES, `${tag} ${name}=${value}`).not.toContain(name);
      if (URL_ATTRIBUTES.has(name)) {
        const compact = [...value].filter((c) => c.charCodeAt(0) > 0x20).join('').toLowerCase();
        expect(compact, `${tag} ${name}`).not.toMatch(/^(javascript|vbscript|data:text|file|livescript):/);
        expect(compact, `${tag} ${name}`).not.toMatch(/^[a-z][a-z0-9+.-]*script:/);
      }
      if (tag === 'img' && name === 'src') expect(value).toMatch(/^(cid:|data:image\/(png|gif|jpeg|webp);)/i);
      if (tag === 'a' && name === 'href') expect(value).toMatch(/^(https?:|mailto:|tel:)/i);
    }
    // Loaded nothing remote: remote image urls only survive as data-remote-src.
    for (const [tag, name, value] of attrs) {
      if (/^(https?:)?\/\//i.test(value)) expect(`${tag} ${name}`).toMatch(/^(a href|img data-remote-src)$/);
    }
    expect(decodeEntities(lower)).not.toMatch(/javascript:|vbscript:|expression\(|@import|url\(/);
    for (const [tag, , value] of attrs.filter(([t, n]) => t === 'a' && n === 'rel')) {
      expect(`${tag} ${value}`).toBe('a noopener noreferrer nofollow');
    }

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

