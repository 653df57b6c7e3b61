import { createRoute, z } from '@hono/zod-openapi';
import { Readable } from 'node:stream';
import { requireAuth } from '../middleware/auth.ts';
import { errorResponses, router, security } from '../openapi.ts';
import { IdParam } from '../schemas.ts';

// Inline only for raster images; everything else downloads (no HTML/SVG rendered from our origin).
const INLINE = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;

export interface StoredFile {
  stream: Readable;
  size: number;
  name: string;
}

/** A stored file as a response that never runs as a page of our origin (nosniff, sandboxing CSP). */
export function fileResponse(file: StoredFile, opts: { contentType: string; disposition: 'inline' | 'attachment'; cacheControl?: string }): Response {
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    status: 200,
    headers: {
      'content-type': opts.contentType,
      'content-length': String(file.size),
      'content-disposition': `${opts.disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': opts.cacheControl ?? 'private, max-age=3600',
    },
  });
}

export function attachmentRoutes() {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/attachments/{id}',
      tags: ['messages'],
      summary: 'Download a message attachment',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: {
        200: { description: 'The file', content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } } },
        409: { description: 'Still downloading from the provider, or the download failed' },
        ...errorResponses,
      },
    }),
    async (c) => {
      const file = await c.get('services').attachments.open(c.get('actor'), c.req.valid('param').id);
      const inline = INLINE.test(file.contentType);
      return fileResponse(file, { contentType: inline ? file.contentType : 'application/octet-stream', disposition: inline ? 'inline' : 'attachment' }) as never;
    },
  );
  return app;
}
