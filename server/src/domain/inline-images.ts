import { attachmentUrl } from './mappers.ts';

/**
 * Inline images (`<img src="cid:logo@x">` in an email) point at the message's own attachments: rewrite each
 * `cid:` reference to the stored attachment's URL (same origin, access-checked). Unknown ids stay `cid:`
 * and render as a broken image, never as a remote load.
 */
export function linkInlineImages(html: string, attachments: Array<{ id: string; contentId: string | null }>): string {
  const byCid = new Map<string, string>();
  for (const a of attachments) if (a.contentId) byCid.set(a.contentId.replace(/^<|>$/g, '').toLowerCase(), a.id);
  if (byCid.size === 0) return html;
  return html.replace(/(\ssrc\s*=\s*["']?)cid:([^"'\s>]+)/gi, (whole, lead: string, cid: string) => {
    const id = byCid.get(decoded(cid).replace(/^<|>$/g, '').toLowerCase());
    return id ? `${lead}${attachmentUrl(id)}` : whole;
  });
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a stray % is part of the id
  }
}
