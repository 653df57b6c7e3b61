import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { errorResponses, router, security } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { fileResponse } from '../file-response.ts';

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
      return fileResponse(file) as never;
    },
  );
  return app;
}
