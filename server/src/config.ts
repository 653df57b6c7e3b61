import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** Environment, parsed and validated once at start. Nothing else reads process.env. */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SWITCHBOARD_DATA_DIR: z.string().min(1).default('./data'),
  SWITCHBOARD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SWITCHBOARD_ADMIN_EMAIL: z.email().optional(),
  SWITCHBOARD_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  SWITCHBOARD_REDIS_PREFIX: z.string().min(1).max(100).default('socket.io'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  /** Advanced: first retry delay of failed outbound sends (doubles per try, capped at 15 min). */
  JOB_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2_000),
  /** Forwarding-mode email: port of the inbound SMTP endpoint (unset: off). */
  SMTP_INBOUND_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  SMTP_INBOUND_HOST: z.string().min(1).default('0.0.0.0'),
  /** Largest message the inbound SMTP endpoint accepts (552 above). */
  SMTP_INBOUND_MAX_BYTES: z.coerce.number().int().min(1024).default(30 * 1024 * 1024),
  /** Largest attachment stored, any channel (an email inbox's maxAttachmentBytes may set a lower one). */
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1).default(25 * 1024 * 1024),
  /** Reverse proxies in front of the app that append to X-Forwarded-For (0: none; the header is then ignored). */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  NODE_ENV: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  secret: string;
  admin: { email: string; password: string } | undefined;
  redisUrl: string | undefined;
  /** Prefix of the Redis pub/sub channels (SWITCHBOARD_REDIS_PREFIX): deployments sharing one Redis need different ones. */
  redisPrefix: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  sessionTtlMs: number;
  jobRetryBaseMs: number;
  secureCookies: boolean;
  /** The inbound SMTP endpoint for forwarding-mode email inboxes; undefined: off. */
  smtpInbound: { host: string; port: number; maxBytes: number } | undefined;
  /** Largest attachment stored (ATTACHMENT_MAX_BYTES). */
  attachmentMaxBytes: number;
  /** Directory of the built console (web/build), served at /. */
  webDir: string | undefined;
  /** TRUST_PROXY_HOPS: proxies whose X-Forwarded-For entries name the client (rate limits per address). */
  trustProxyHops: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env)) out[k] = v === '' ? undefined : v;
  return out;
}

/** Reads the secret from the env, or from `<dataDir>/secret`, generating it on first start. */
function resolveSecret(dataDir: string, fromEnv: string | undefined): string {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.SWITCHBOARD_ADMIN_EMAIL) !== Boolean(e.SWITCHBOARD_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'Invalid configuration:\n  SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD must be set together',
    );
  }
  const dataDir = resolve(e.SWITCHBOARD_DATA_DIR);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    secret: resolveSecret(dataDir, e.SWITCHBOARD_SECRET),
    admin:
      e.SWITCHBOARD_ADMIN_EMAIL && e.SWITCHBOARD_ADMIN_PASSWORD
        ? { email: e.SWITCHBOARD_ADMIN_EMAIL.toLowerCase(), password: e.SWITCHBOARD_ADMIN_PASSWORD }
        : undefined,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.SWITCHBOARD_REDIS_PREFIX,
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    jobRetryBaseMs: e.JOB_RETRY_BASE_MS,
    secureCookies: publicUrl.startsWith('https://'),
    smtpInbound: e.SMTP_INBOUND_PORT === undefined ? undefined : { host: e.SMTP_INBOUND_HOST, port: e.SMTP_INBOUND_PORT, maxBytes: e.SMTP_INBOUND_MAX_BYTES },
    attachmentMaxBytes: e.ATTACHMENT_MAX_BYTES,
    webDir: undefined,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    ...overrides,
  };
}
