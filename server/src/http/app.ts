import { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './env.ts';
import { errorBody, handleError } from './errors.ts';
import { cannedResponseRoutes } from './routes/canned-responses.ts';
import { contactRoutes } from './routes/contacts.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { inboxRoutes } from './routes/inboxes.ts';
import { labelRoutes } from './routes/labels.ts';
import { readRoutes } from './routes/reads.ts';
import { sessionRoutes } from './routes/session.ts';
import { teamRoutes } from './routes/teams.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { mediaRoutes } from './routes/media.ts';
import { webchatApiRoutes, widgetRoutes } from './routes/widget.ts';
import { serveConsole } from './static.ts';

/** The whole HTTP surface: /healthz, /api (REST + OpenAPI), /webhooks, and the console at /. */
export function createApp(services: Services, config: Config, log: Logger) {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(handleError(log));
  app.use('*', async (c, next) => {
    c.set('services', services);
    await next();
  });

  app.get('/healthz', async (c) => {
    try {
      await services.store.prisma.$queryRaw`SELECT 1`;
      return c.json({ status: 'ok', storage: services.store.kind }, 200);
    } catch {
      return c.json({ status: 'unavailable', storage: services.store.kind }, 503);
    }
  });

  const api = new OpenAPIHono<AppEnv>();
  api.route('/', sessionRoutes(config.secureCookies, config.trustProxyHops));
  api.route('/', readRoutes()); // before conversationRoutes: its /conversations/{id} would take "unread-counts"
  api.route('/', conversationRoutes());
  api.route('/', attachmentRoutes());
  api.route('/', inboxRoutes());
  api.route('/', userRoutes());
  api.route('/', tokenRoutes());
  api.route('/', teamRoutes());
  api.route('/', contactRoutes());
  api.route('/', labelRoutes());
  api.route('/', cannedResponseRoutes());
  api.route('/', webchatApiRoutes());
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', description: 'A personal API token (sb_…)' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', { type: 'apiKey', in: 'cookie', name: 'sb_session', description: 'Session cookie; writes need the X-CSRF-Token header' });
  api.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Switchboard API', version: '1.0.0', description: 'REST API of Switchboard, the omnichannel inbox. Errors: { error: { code, message, details } }.' },
    servers: [{ url: `${config.publicUrl}/api` }],
  });
  api.notFound((c) => c.json(errorBody('not_found', 'No such endpoint'), 404));
  app.route('/api', api);
  app.route('/webhooks', webhookRoutes(config.publicUrl));
  app.route('/media', mediaRoutes());
  app.route('/', widgetRoutes(config.webDir, config.trustProxyHops));
  serveConsole(app, config.webDir);
  return app;
}

export type App = ReturnType<typeof createApp>;
