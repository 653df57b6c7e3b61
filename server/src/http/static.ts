import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './env.ts';

/** Serves the built SvelteKit console (static adapter) with an SPA fallback to its index. */
export function serveConsole(app: OpenAPIHono<AppEnv>, webDir: string | undefined): void {
  if (!webDir || !existsSync(webDir)) {
    app.get('/', (c) => c.text('Switchboard is running. The console is not built: run `npm run build`.', 200));
    return;
  }
  const root = relative(process.cwd(), webDir) || '.';
  app.use('/*', serveStatic({ root }));
  const fallback = join(webDir, '200.html');
  const index = existsSync(fallback) ? fallback : join(webDir, 'index.html');
  app.get('*', async (c) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/webhooks/') || c.req.path.startsWith('/socket.io/')) return c.notFound();
    return c.html(await readFile(index, 'utf8'));
  });
}
