import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from '../lib/html.ts';
import { linkInlineImages } from './inline-images.ts';

const files = [
  { id: '0198aaaa-0000-7000-8000-000000000001', contentId: '<logo@acme>' },
  { id: '0198aaaa-0000-7000-8000-000000000002', contentId: 'Chart.PNG@01DA' },
  { id: '0198aaaa-0000-7000-8000-000000000003', contentId: null },
];

describe('linkInlineImages', () => {
  it('points cid: images at the stored attachments, whatever the id case or brackets', () => {
    const html = '<p>Hi</p><img src="cid:logo@acme" alt="logo"><img src=\'cid:chart.png@01da\'>';
    expect(linkInlineImages(html, files)).toBe(
      '<p>Hi</p><img src="/api/attachments/0198aaaa-0000-7000-8000-000000000001" alt="logo"><img src=\'/api/attachments/0198aaaa-0000-7000-8000-000000000002\'>',
    );
  });

  it('leaves unknown ids and text that merely mentions cid: alone', () => {
    const html = '<img src="cid:missing@x"><p>write cid:logo@acme in the field</p>';
    expect(linkInlineImages(html, files)).toBe(html);
  });

  it('links what the sanitizer kept (ingest sanitizes first, so only our own rewrite points at attachments)', () => {
    const out = linkInlineImages(sanitizeHtml('<img src="cid:logo@acme"><img src="/api/attachments/someone-elses">'), files);
    expect(out).toBe('<img src="/api/attachments/0198aaaa-0000-7000-8000-000000000001" /><img />');
  });
});

describe('linkInlineImages with odd ids', () => {
  it('matches percent-encoded ids and keeps a stray % as it is', () => {
    const odd = [{ id: 'a1', contentId: 'part1%@x' }, { id: 'b2', contentId: 'img 1@x' }];
    expect(linkInlineImages('<img src="cid:part1%@x"><img src="cid:img%201@x">', odd)).toBe('<img src="/api/attachments/a1"><img src="/api/attachments/b2">');
  });
});
