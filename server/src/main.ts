import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

const webDir = fileURLToPath(new URL('../../web/build', import.meta.url));

try {
  const config = loadConfig(process.env, { webDir });
  const server = await startServer(config);
  const shutdown = (signal: string) => {
    server.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
}
