import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { fileResponse } from '../file-response.ts';

/**
 * `GET /media/:id/:name?expires=…&signature=…`: the files of messages we send, for providers that fetch them
 * (Twilio's MediaUrl). No session: the signed, expiring link is the access (domain/media-links.ts). The real
 * content type goes out (Twilio needs it), as a download that never runs as a page of our origin.
 */
export function mediaRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/:id/:name', async (c) => {
    const file = await c.get('services').attachments.openByLink(c.req.param('id'), c.req.query('expires'), c.req.query('signature'));
    return fileResponse(file, {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'cache-control': 'private, max-age=300',
    });
  });
  return app;
}
