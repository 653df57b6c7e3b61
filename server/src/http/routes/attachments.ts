import { createRoute, z } from '@hono/zod-openapi';
import { Readable } from 'node:stream';
import { requireAuth } from '../middleware/auth.ts';
import { errorResponses, router, security } from '../openapi.ts';
import { IdParam } from '../schemas.ts';

// Inline only for raster images; everything else downloads (no HTML/SVG rendered from our origin).
const INLINE = /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i;

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
      const disposition = INLINE.test(file.contentType) ? 'inline' : 'attachment';
      return new Response(Readable.toWeb(file.stream) as ReadableStream, {
        status: 200,
        headers: {
          'content-type': INLINE.test(file.contentType) ? file.contentType : 'application/octet-stream',
          'content-length': String(file.size),
          'content-disposition': `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'; sandbox",
          'cache-control': 'private, max-age=3600',
        },
      }) as never;
    },
  );
  return app;
}
