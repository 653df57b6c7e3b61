import { Readable } from 'node:stream';

// Inline only for raster images; everything else downloads (no HTML/SVG rendered from our origin).
const INLINE = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;

/** A stored file as a download: sandboxed, never sniffed, raster images inline. */
export function fileResponse(file: { stream: Readable; size: number; name: string; contentType: string }, headers: Record<string, string> = {}): Response {
  const inline = INLINE.test(file.contentType);
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    status: 200,
    headers: {
      'content-type': inline ? file.contentType : 'application/octet-stream',
      'content-length': String(file.size),
      'content-disposition': `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, max-age=3600',
      ...headers,
    },
  });
}
