import { describe, expect, it } from 'vitest';
import { emailSrcdoc, hasRemoteImages, withRemoteImages } from './email-html.ts';

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
