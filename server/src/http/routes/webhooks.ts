import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { AppError } from '../../lib/errors.ts';
import { limitBody } from '../middleware/body-limit.ts';

const MAX_WEBHOOK_BYTES = 5 * 1024 * 1024;

/**
 * Provider webhooks: `{GET,POST} /webhooks/:kind/:token`. The raw body goes to the inbox's adapter
 * untouched (signatures cover the exact bytes). We answer 2xx only after the messages are stored.
 */
export function webhookRoutes(publicUrl: string) {
  const app = new Hono<AppEnv>();
  app.use('*', limitBody(MAX_WEBHOOK_BYTES, `Webhook bodies are limited to ${MAX_WEBHOOK_BYTES} bytes`));
  app.on(['GET', 'POST'], '/:kind/:token', async (c) => {
    const { kind, token } = c.req.param();
    // Chat widget messages arrive only over the widget's Socket.IO namespace (origin checks, rate limits).
    if (kind === 'webchat') throw new AppError('not_found', 'Inbox not found');
    const url = new URL(c.req.url);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
    const result = await c.get('services').webhooks.handle(kind, token, {
      method: c.req.method,
      // The URL the provider called, as configured in PUBLIC_URL (proxies rewrite the host).
      url: `${publicUrl}${url.pathname}${url.search}`,
      headers,
      rawBody: c.req.method === 'POST' ? await c.req.text() : '',
    });
    if (result.handshake) {
      return c.body(result.handshake.body, result.handshake.status as 200, { 'content-type': result.handshake.contentType ?? 'text/plain' });
    }
    c.header('x-switchboard-received', String(result.received));
    c.header('x-switchboard-duplicates', String(result.duplicates));
    c.header('x-switchboard-statuses', String(result.statuses));
    if (result.response) {
      return c.body(result.response.body, result.response.status as 200, { 'content-type': result.response.contentType ?? 'text/plain' });
    }
    return c.json({ ok: true, received: result.received, duplicates: result.duplicates, statuses: result.statuses, edits: result.edits }, 200);
  });
  return app;
}
