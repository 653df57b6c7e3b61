export { loadConfig, ConfigError, type Config } from './config.ts';
export { startServer, type RunningServer, type StartOptions } from './server.ts';
export { createLogger } from './lib/logger.ts';
export type { EmailCredentials, MailSyncState } from './email/types.ts';
export { WebhookService, type WebhookDeps, type WebhookOutcome } from './domain/webhook-service.ts';
