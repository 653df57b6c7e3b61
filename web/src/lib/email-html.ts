// The srcdoc for a sanitized email body (the server already removed scripts, handlers and unsafe
// URLs). Rendered in an iframe without allow-scripts/allow-same-origin; a CSP blocks every fetch
// except inline data and, once the agent agreed, remote images.

export function hasRemoteImages(html: string): boolean {
  return /\sdata-remote-src=/i.test(html);
}

/** Moves data-remote-src back to src (only after the agent clicked "load images"). */
export function withRemoteImages(html: string): string {
  return html.replace(/<img\b[^>]*>/gi, (tag) => tag.replace(/\sdata-remote-src=("[^"]*"|'[^']*')/i, ' src=$1'));
}

/**
 * Inline images the server stored (src="/api/attachments/<id>", from cid: references). The sandboxed
 * frame has an opaque origin, so it cannot send the session cookie: the console fetches them and
 * passes them in as data: URLs.
 */
export function attachmentSrcs(html: string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<img\b[^>]*\ssrc=(["'])(\/api\/attachments\/[\w-]+)\1/gi)) found.add(m[2]!);
  return [...found];
}

export function replaceSrcs(html: string, urls: ReadonlyMap<string, string>): string {
  return html.replace(/(<img\b[^>]*\ssrc=)(["'])(\/api\/attachments\/[\w-]+)\2/gi, (whole, head: string, q: string, src: string) => {
    const data = urls.get(src);
    return data ? `${head}${q}${data}${q}` : whole;
  });
}

export function emailSrcdoc(html: string, loadImages: boolean): string {
  const img = loadImages ? "img-src data: 'self' https: http:" : "img-src data: 'self'";
  const csp = `default-src 'none'; ${img}; style-src 'unsafe-inline'; font-src data:`;
  const body = loadImages ? withRemoteImages(html) : html;
  return (
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<base target="_blank">` +
    `<style>body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#1d1d1f;word-wrap:break-word}img{max-width:100%;height:auto}</style>` +
    `</head><body>${body}</body></html>`
  );
}
