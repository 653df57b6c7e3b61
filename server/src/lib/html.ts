import sanitize from 'sanitize-html';

/**
 * Makes customer-supplied HTML safe to render in the console: no scripts, event handlers,
 * forms, frames or styles that can exfiltrate; remote images are not loaded until the agent
 * consents (their URL moves to data-remote-src); only http(s)/mailto/tel links, opened safely.
 */
const SAFE_LINK = /^(https?:\/\/|mailto:|tel:)/i;
const INLINE_IMAGE = /^(cid:[^\s]+|data:image\/(png|gif|jpeg|jpg|webp|bmp);base64,[a-z0-9+/=\s]+)$/i;

const OPTIONS: sanitize.IOptions = {
  allowedTags: [
    'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'div', 'dl', 'dt',
    'em', 'font', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
    'pre', 'q', 's', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
    'thead', 'tr', 'u', 'ul', 'center',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height', 'data-remote-src'],
    td: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    th: ['colspan', 'rowspan', 'align', 'valign', 'width'],
    table: ['width', 'border', 'cellpadding', 'cellspacing', 'align'],
    font: ['color', 'size'],
    '*': ['dir', 'lang', 'align'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  // img src is already restricted by the img transform below; http(s) must pass for data-remote-src.
  allowedSchemesByTag: { img: ['cid', 'data', 'http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'data-remote-src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template'],
  transformTags: {
    // Only absolute http(s)/mailto/tel links survive: relative links would navigate inside the console, and
    // anything else (javascript:, entity-obfuscated schemes, data:) is dropped. Attribute values arrive here
    // entity-decoded, so `jav&#x09;ascript:` is seen as "jav\tascript:" and fails the check.
    a: (tagName, attribs) => {
      const { href, ...rest } = attribs;
      const url = href?.trim() ?? '';
      return {
        tagName,
        attribs: { ...(SAFE_LINK.test(url) && { href: url }), ...rest, target: '_blank', rel: 'noopener noreferrer nofollow' },
      };
    },
    // Images load nothing on their own: cid: parts and inline raster data stay; http(s) moves to data-remote-src
    // (loaded only after the agent consents); relative, protocol-relative, svg and other data: sources are dropped.
    img: (tagName, attribs) => {
      const { src, 'data-remote-src': _spoofed, ...rest } = attribs;
      const url = src?.trim() ?? '';
      if (/^https?:\/\//i.test(url)) return { tagName, attribs: { 'data-remote-src': url, ...rest } };
      if (INLINE_IMAGE.test(url)) return { tagName, attribs: { src: url, ...rest } };
      return { tagName, attribs: rest };
    },
  },
};

export function sanitizeHtml(html: string): string {
  return sanitize(html, OPTIONS);
}

/** Plain-text rendering of HTML for previews and search. */
export function htmlToText(html: string): string {
  return sanitize(html.replace(/<(br|\/p|\/div|\/li|\/tr)\b[^>]*>/gi, '\n$&'), { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export const preview = (text: string, max = 140) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
};
