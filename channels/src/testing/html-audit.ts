/**
 * Audits HTML that is about to be shown to an agent: lists every way it could run script, load a remote
 * resource on its own, submit or navigate. Used by the sanitizer's tests and by the API-level XSS tests.
 */
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

/** Every attribute of every tag: [tag, name, decoded value]. */
export function attributesOf(html: string): Array<[string, string, string]> {
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
const SAFE_IMAGE_SRC = /^(cid:|data:image\/(png|gif|jpeg|webp);)/i;

export interface HtmlAuditOptions {
  /** Image sources allowed besides cid: and inline raster data (e.g. our own attachment URLs). */
  imageSrc?: RegExp;
}

/** The threats found (empty: safe to render). */
export function htmlThreats(html: string, opts: HtmlAuditOptions = {}): string[] {
  const found: string[] = [];
  const lower = html.toLowerCase();
  for (const tag of FORBIDDEN_TAGS) if (new RegExp(`<${tag}[\\s/>]`).test(lower)) found.push(`<${tag}> tag`);
  const attrs = attributesOf(html);
  for (const [tag, name, value] of attrs) {
    if (/^on/.test(name)) found.push(`${tag} ${name}: event handler`);
    if (LOADING_ATTRIBUTES.includes(name)) found.push(`${tag} ${name}=${value}: loads or styles`);
    if (URL_ATTRIBUTES.has(name)) {
      const compact = [...value].filter((c) => c.charCodeAt(0) > 0x20).join('').toLowerCase();
      if (/^[a-z][a-z0-9+.-]*script:|^(data:text|file):/.test(compact)) found.push(`${tag} ${name}=${value}: script or local url`);
    }
    if (tag === 'img' && name === 'src' && !SAFE_IMAGE_SRC.test(value) && !opts.imageSrc?.test(value)) found.push(`img src=${value}: loads on its own`);
    if (tag === 'a' && name === 'href' && !/^(https?:|mailto:|tel:)/i.test(value)) found.push(`a href=${value}: not an external link`);
    if (/^(https?:)?\/\//i.test(value) && !/^(a href|img data-remote-src)$/.test(`${tag} ${name}`)) found.push(`${tag} ${name}=${value}: remote load`);
    if (tag === 'a' && name === 'rel' && value !== 'noopener noreferrer nofollow') found.push(`a rel=${value}`);
  }
  if (/javascript:|vbscript:|expression\(|@import|url\(/.test(decodeEntities(lower))) found.push('script or css url in the text of the markup');
  return found;
}
