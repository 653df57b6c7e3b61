import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve } from '@hono/node-server';
import { openDatabase, type Database } from '@switchboard/db';
import type { Config } from './config.ts';
import { createApp } from './http/app.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { Gateway } from './realtime/gateway.ts';
import { EventRelay } from './realtime/relay.ts';
import { Store } from './repositories/store.ts';
import { createServices, type ServiceOptions, type Services } from './services.ts';
import { getAdapter } from '@switchboard/channels';
import { MailIntake } from './email/mail-intake.ts';
import { MailSyncManager, type MailSyncManagerOptions } from './email/sync-manager.ts';
import { startSmtpInbound, type SmtpInbound } from './email/smtp-inbound.ts';
import { TelegramPolling, type TelegramPollingOptions } from './telegram/polling-manager.ts';
import { WidgetGateway } from './webchat/gateway.ts';
import { AgentPresence } from './webchat/presence.ts';
import { Typing } from './webchat/typing.ts';

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  gateway: Gateway;
  /** The chat widget's Socket.IO namespace. */
  widget: WidgetGateway;
  relay: EventRelay;
  database: Database;
  log: Logger;
  /** Email: the IMAP sync of this instance and the inbound SMTP endpoint (when SMTP_INBOUND_PORT is set). */
  mail: { sync: MailSyncManager; smtp: SmtpInbound | undefined };
  /** Telegram: the long polling of inboxes in polling mode on this instance. */
  telegram: { polling: TelegramPolling };
  stop(): Promise<void>;
}

export interface StartOptions extends ServiceOptions {
  logger?: Logger;
  /** Use an already open database (tests); otherwise opened (and migrated) from the config. */
  database?: Database;
  relayPollMs?: number;
  snoozeSweepMs?: number;
  /** Email sync intervals and batch sizes (tests shorten them). */
  mailSync?: Partial<MailSyncManagerOptions>;
  /** Size limit of the inbound SMTP endpoint (default 30 MB). */
  smtpMaxBytes?: number;
  /** Telegram long-polling intervals (tests shorten them). */
  telegramPolling?: Partial<TelegramPollingOptions>;
  /** Chat widget intervals (tests shorten them). */
  webchat?: { presenceMs?: number; continuitySweepMs?: number };
}

/** Starts the whole product in this process: API, webhooks, Socket.IO, jobs, console, on one port. */
export async function startServer(config: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const database =
    opts.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      migrate: true,
      logger: (msg) => log.info(msg),
    }));
  const store = new Store(database);
  const services = createServices(store, config, log, opts);
  const seeded = await services.auth.seedAdmin();
  if (seeded) log.info({ email: seeded.email }, 'seeded the first admin from SWITCHBOARD_ADMIN_EMAIL');

  const app = createApp(services, config, log);
  const http = await new Promise<HttpServer>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s as HttpServer));
  });
  const gateway = new Gateway(http, {
    store,
    auth: services.auth,
    log,
    redisUrl: config.redisUrl,
    redisPrefix: config.redisPrefix,
    publicUrl: config.publicUrl,
    pollMs: opts.relayPollMs,
  });
  await gateway.start();
  const widget = new WidgetGateway({
    agents: gateway,
    webchat: services.webchat,
    presence: new AgentPresence(store, gateway, log.child({ mod: 'webchat' })),
    typing: new Typing(gateway, store, log.child({ mod: 'webchat' })),
    log: log.child({ mod: 'webchat' }),
    presenceMs: opts.webchat?.presenceMs,
    trustProxyHops: config.trustProxyHops,
  });
  const relay = new EventRelay(store, (events) => gateway.publish(events), log, opts.relayPollMs);
  store.onCommit(() => relay.kick());
  services.access.on((ws) => gateway.syncRooms(ws).catch((err: unknown) => log.error({ err }, 'room sync failed')));
  relay.start();
  services.jobs.start();
  services.continuity.start(services.jobs, opts.webchat?.continuitySweepMs ?? 15_000);
  const inboxSource = { store, secrets: services.secrets, adapterFor: getAdapter, log, fetch: opts.fetch ?? globalThis.fetch };
  const intake = new MailIntake({ adapterFor: getAdapter, ingest: services.ingest, attachments: services.attachments });
  const mailSync = new MailSyncManager(inboxSource, intake, opts.mailSync);
  const telegramPolling = new TelegramPolling(inboxSource, services.ingest, opts.telegramPolling);
  services.inboxes.onChange(() => {
    void mailSync.refresh();
    void telegramPolling.refresh();
  });
  mailSync.start();
  telegramPolling.start();
  const smtp = config.smtpInbound
    ? await startSmtpInbound(inboxSource, intake, {
        ...config.smtpInbound,
        maxBytes: opts.smtpMaxBytes ?? config.smtpInbound.maxBytes,
        ...(opts.mailSync?.streamAboveBytes !== undefined && { streamAboveBytes: opts.mailSync.streamAboveBytes }),
      })
    : undefined;
  // Periodic housekeeping on every instance (each step is idempotent): wake snoozed conversations, purge expired sessions,
  // rate-limit counters and webhook receipts past the replay window.
  const sweep = setInterval(() => {
    void services.conversations.wakeSnoozed().catch((err: unknown) => log.error({ err }, 'snooze sweep failed'));
    void services.auth.purgeExpiredSessions().catch((err: unknown) => log.error({ err }, 'session purge failed'));
    void services.webchat.purgeRateLimits().catch((err: unknown) => log.error({ err }, 'rate limit purge failed'));
    void services.webhooks.purgeReceipts().catch((err: unknown) => log.error({ err }, 'webhook receipt purge failed'));
  }, opts.snoozeSweepMs ?? 30_000);
  sweep.unref();
  // Hourly: stored files no attachment references (uploads never sent, leftovers of a crash).
  const fileSweep = setInterval(() => {
    void services.attachments
      .purgeOrphans()
      .then((n) => n && log.info({ files: n }, 'removed unreferenced attachment files'))
      .catch((err: unknown) => log.error({ err }, 'attachment file sweep failed'));
  }, 3600_000);
  fileSweep.unref();

  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  log.info({ port, storage: database.kind, redis: Boolean(config.redisUrl) }, `Switchboard listening on ${config.publicUrl}`);

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(sweep);
      clearInterval(fileSweep);
      await smtp?.close();
      await mailSync.stop();
      await telegramPolling.stop();
      await services.continuity.stop();
      await services.jobs.stop();
      await relay.stop();
      await widget.close();
      await gateway.close();
      await new Promise<void>((r) => http.close(() => r()));
      if (!opts.database) await database.close();
    })());
  return { url, port, services, gateway, widget, relay, database, log, mail: { sync: mailSync, smtp }, telegram: { polling: telegramPolling }, stop };
}
