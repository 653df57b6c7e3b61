import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';
import { errorBody } from './errors.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Paths that belong to the server, never to the console's client-side router. */
const SERVER_PREFIXES = ['/api/', '/webhooks/', '/socket.io/', '/_app/', '/widget/'];

function htmlHeaders(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-cache');
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
}

/**
 * Serves the built SvelteKit console (adapter-static, SPA) at / with a fallback to its 200.html
 * for client-side routes. Registered last: every API route matches before it. Unknown /api paths
 * answer with the API's JSON 404, and missing /_app assets (e.g. an old hashed chunk after an
 * upgrade) with a plain 404 rather than the HTML shell.
 */
export function serveConsole(app: OpenAPIHono<AppEnv>, webDir: string | undefined): void {
  app.all('/api/*', (c) => c.json(errorBody('not_found', 'No such endpoint'), 404));

  if (!webDir || !existsSync(webDir)) {
    app.get('/', (c) => c.text('Switchboard is running. The console is not built: run `npm run build`.', 200));
    return;
  }
  app.use(
    '/*',
    serveStatic({
      root: webDir,
      onFound: (path, c) => {
        c.header('Cache-Control', path.includes('/_app/immutable/') ? IMMUTABLE : 'no-cache');
      },
    }),
  );
  const fallback = join(webDir, '200.html');
  const index = existsSync(fallback) ? fallback : join(webDir, 'index.html');
  app.get('*', async (c) => {
    if (SERVER_PREFIXES.some((p) => c.req.path.startsWith(p))) return c.notFound();
    htmlHeaders(c);
    return c.html(await readFile(index, 'utf8'));
  });
}
