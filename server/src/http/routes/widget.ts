import { createRoute, z } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { clientIp } from '../client-ip.ts';
import { fileResponse } from '../file-response.ts';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../lib/errors.ts';
import { originAllowed } from '../../webchat/inboxes.ts';
import { toWidgetConfig } from '../../webchat/dto.ts';
import type { AppEnv } from '../env.ts';
import { requireAuth } from '../middleware/auth.ts';
import { errorResponses, json, router, security } from '../openapi.ts';
import { IdParam } from '../schemas.ts';
import { limitBody } from '../middleware/body-limit.ts';

/** The largest upload any inbox may allow (its own limit applies on top). */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
const VISITOR_HEADER = 'x-switchboard-visitor';

/** The widget bundle (web/build/widget.js), re-read when the file changes. */
function widgetScript(webDir: string | undefined) {
  let cached: { mtimeMs: number; body: Buffer; etag: string } | undefined;
  return async (c: Context<AppEnv>) => {
    const file = webDir ? join(webDir, 'widget.js') : undefined;
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info) return c.text('The chat widget is not built: run `npm run build`.', 404);
    if (!cached || cached.mtimeMs !== info.mtimeMs) cached = { mtimeMs: info.mtimeMs, body: await readFile(file), etag: `"w-${info.size}-${Math.round(info.mtimeMs)}"` };
    const headers = {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=300',
      etag: cached.etag,
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    };
    if (c.req.header('if-none-match') === cached.etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(cached.body), 200, headers);
  };
}

/**
 * The widget's public HTTP side (no agent auth): `GET /widget.js`, `GET /widget/api/config`,
 * `POST /widget/api/uploads` (CORS for the inbox's allowed origins) and signed downloads at `/widget/files/…`.
 */
export function widgetRoutes(webDir: string | undefined, trustProxyHops = 0) {
  const app = new Hono<AppEnv>();
  app.get('/widget.js', widgetScript(webDir));

  // CORS for the inbox named in ?inbox=: only its allowed origins (any when the list is empty).
  app.use('/widget/api/*', async (c, next) => {
    // Every answer is readable by the page (a refusal too, so the widget can say why); data only for allowed sites.
    const origin = c.req.header('origin');
    if (origin) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Vary', 'Origin');
    }
    const inbox = await c.get('services').webchat.inboxes.byToken(c.req.query('inbox'));
    if (!inbox) throw new AppError('not_found', 'No chat is configured for this inbox token');
    if (!originAllowed(inbox.ctx.settings.allowedOrigins, origin)) throw new AppError('forbidden', 'This website may not embed this chat');
    if (c.req.method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'GET, POST');
      c.header('Access-Control-Allow-Headers', `content-type, ${VISITOR_HEADER}, x-filename`);
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    await next();
  });

  app.get('/widget/api/config', async (c) => {
    const inbox = await c.get('services').webchat.inboxes.byToken(c.req.query('inbox'));
    if (!inbox) throw new AppError('not_found', 'No chat is configured for this inbox token');
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(toWidgetConfig(inbox), 200);
  });

  app.post(
    '/widget/api/uploads',
    limitBody(MAX_UPLOAD_BYTES, `Files are limited to ${MAX_UPLOAD_BYTES} bytes`),
    async (c) => {
      let name = 'file';
      try {
        name = decodeURIComponent(c.req.header('x-filename') ?? 'file');
      } catch {
        /* keep the default */
      }
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      const upload = await c.get('services').webchat.upload(c.req.query('inbox') ?? '', c.req.header(VISITOR_HEADER), clientIp(c, trustProxyHops), {
        name,
        contentType: c.req.header('content-type') ?? '',
        bytes,
      });
      return c.json(upload, 201);
    },
  );

  app.get('/widget/files/:inbox/:id', async (c) => {
    const { inbox, id } = c.req.param();
    const file = await c.get('services').webchat.openFile(inbox, id, c.req.query('sig'));
    return fileResponse(file, { 'cross-origin-resource-policy': 'cross-origin' });
  });
  return app;
}

const Embed = z
  .object({
    scriptUrl: z.string(),
    embedCode: z.string().openapi({ description: 'The script tag to paste into every page of the site' }),
    identitySecret: z.string().openapi({ description: 'The HMAC key the site’s backend signs logged-in customers with (keep it secret)' }),
  })
  .openapi('WebchatEmbed');

/** The agents' API of the chat widget: the embed code (admin) and "seen" receipts. */
export function webchatApiRoutes() {
  const app = router();
  app.openapi(
    createRoute({ method: 'get', path: '/inboxes/{id}/webchat', tags: ['inboxes'], summary: 'Embed code and identity secret of a webchat inbox (admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(Embed), ...errorResponses } }),
    async (c) => c.json(await c.get('services').webchat.embed(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/conversations/{id}/seen', tags: ['conversations'], summary: 'Mark the customer’s messages as seen by an agent (the chat widget shows “Seen”)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(z.object({ updated: z.number().int() })), ...errorResponses } }),
    async (c) => c.json({ updated: await c.get('services').webchat.seen(c.get('actor'), c.req.valid('param').id) }, 200),
  );
  return app;
}
