import { describe, expect, it } from 'vitest';
import { attachmentSrcs, emailSrcdoc, hasRemoteImages, replaceSrcs, withRemoteImages } from './email-html.ts';

const html = '<p>Hi</p><img alt="logo" data-remote-src="https://t.example/pixel.gif"><img src="data:image/png;base64,AA==">';

describe('email html', () => {
  it('keeps remote images blocked until asked', () => {
    expect(hasRemoteImages(html)).toBe(true);
    const doc = emailSrcdoc(html, false);
    expect(doc).not.toContain(' src="https://t.example');
    expect(doc).toContain("default-src 'none'; img-src data: 'self';");
  });
  it('loads them after consent', () => {
    expect(withRemoteImages(html)).toContain('<img alt="logo" src="https://t.example/pixel.gif">');
    expect(emailSrcdoc(html, true)).toContain('img-src data: \'self\' https: http:');
  });
  it('opens links in a new tab', () => expect(emailSrcdoc('<a href="https://x">x</a>', false)).toContain('<base target="_blank">'));
});

describe('inline attachment images', () => {
  const inline = '<img src="/api/attachments/a-1" alt="logo"><img alt="x" src=\'/api/attachments/b2\'><img src="/api/attachments/a-1"><a href="/api/attachments/c3">c</a>';
  it('finds the stored images an email refers to, once each', () => expect(attachmentSrcs(inline)).toEqual(['/api/attachments/a-1', '/api/attachments/b2']));
  it('swaps in the fetched data URLs, leaving the rest', () => {
    const out = replaceSrcs(inline, new Map([['/api/attachments/a-1', 'data:image/png;base64,AA==']]));
    expect(out).toBe('<img src="data:image/png;base64,AA==" alt="logo"><img alt="x" src=\'/api/attachments/b2\'><img src="data:image/png;base64,AA=="><a href="/api/attachments/c3">c</a>');
  });
});
