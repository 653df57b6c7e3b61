import sanitize from 'sanitize-html';

/**
 * Makes customer-supplied HTML safe to render in the console: no scripts, event handlers,
 * forms, frames or styles that can exfiltrate; remote images are not loaded until the agent
 * consents (their URL moves to data-remote-src); only http(s)/mailto/tel links, opened safely.
 */
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
  // http(s) only survives in data-remote-src: transformTags (applied first) moves every remote src there.
  allowedSchemesByTag: { img: ['cid', 'data', 'http', 'https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'data-remote-src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head', 'template'],
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer nofollow' },
    }),
    img: (tagName, attribs) => {
      const src = (attribs.src ?? '').trim();
      const { 'data-remote-src': _claimed, ...own } = attribs;
      if (/^https?:/i.test(src)) {
        const { src: _remote, ...rest } = own;
        return { tagName, attribs: { ...rest, 'data-remote-src': src } };
      }
      return { tagName, attribs: own };
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
