import { describe, expect, it } from 'vitest';
import { htmlThreats } from './html-audit.ts';

describe('htmlThreats', () => {
  it('finds each kind of threat in unsanitized markup', () => {
    const found = htmlThreats(
      '<script>x()</script><img src="https://t.example/p.gif" onerror="x()"><a href="jav&#x09;ascript:x()">a</a>' +
        '<div style="background:url(https://t.example/b)">b</div><a href="/inside" rel="opener">c</a>',
    );
    expect(found).toEqual(
      expect.arrayContaining([
        '<script> tag',
        'img onerror: event handler',
        'img src=https://t.example/p.gif: loads on its own',
        'a href=jav\tascript:x(): script or local url',
        'div style=background:url(https://t.example/b): loads or styles',
        'a href=/inside: not an external link',
        'a rel=opener',
        'script or css url in the text of the markup',
      ]),
    );
  });

  it('accepts safe markup, and image sources the caller allows', () => {
    const safe = '<p>Hi</p><img src="cid:a@b" /><img data-remote-src="https://t.example/p.gif" /><a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>';
    expect(htmlThreats(safe)).toEqual([]);
    expect(htmlThreats('<img src="/api/attachments/1" />')).toEqual(['img src=/api/attachments/1: loads on its own']);
    expect(htmlThreats('<img src="/api/attachments/1" />', { imageSrc: /^\/api\/attachments\/\d+$/ })).toEqual([]);
  });
});
