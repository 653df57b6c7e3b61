/**
 * What parsing needs to ask Slack: a user's profile (`users.info`: name and, where Slack shares it, email) and our
 * own bot's ids (`auth.test`). Answers are cached per process for a few minutes (bounded); failures are not cached
 * and never fail the webhook: the caller goes on with what the event itself says.
 */
import { createHash } from 'node:crypto';
import { normalizeEmail } from '../util/normalize.ts';
import { slackClient, type SlackContext } from './client.ts';

export interface SlackUserProfile {
  name?: string;
  email?: string;
  teamId?: string;
  isBot?: boolean;
}

export interface SlackBotIdentity {
  userId?: string;
  botId?: string;
  teamId?: string;
}

const TTL_MS = 10 * 60_000;
const MAX_ENTRIES = 5_000;
/** users.info runs while Slack waits for our answer (it wants one within 3 s). */
const LOOKUP_TIMEOUT_MS = 1_500;

const cache = new Map<string, { expires: number; value: unknown }>();

function cacheKey(ctx: SlackContext, what: string): string {
  const token = createHash('sha256').update(ctx.credentials.botToken).digest('hex').slice(0, 24);
  return `${ctx.settings.apiUrl}\n${token}\n${what}`;
}

async function cached<T>(ctx: SlackContext, what: string, load: () => Promise<T>): Promise<T | null> {
  const key = cacheKey(ctx, what);
  const now = ctx.now().getTime();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.value as T;
  let value: T;
  try {
    value = await load();
  } catch {
    return null;
  }
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(key, { expires: now + TTL_MS, value });
  return value;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** `users.info` (scopes `users:read`, `users:read.email`), or null when Slack could not be asked. */
export function lookupUser(ctx: SlackContext, userId: string): Promise<SlackUserProfile | null> {
  return cached(ctx, `user:${userId}`, async () => {
    const res = await slackClient(ctx, { timeoutMs: LOOKUP_TIMEOUT_MS }).users.info({ user: userId });
    const user = res.user;
    const profile: SlackUserProfile = {};
    const name = text(user?.profile?.real_name) ?? text(user?.real_name) ?? text(user?.profile?.display_name) ?? text(user?.name);
    const email = text(user?.profile?.email);
    const normalized = email ? normalizeEmail(email) : null;
    if (name) profile.name = name;
    if (normalized) profile.email = normalized;
    if (user?.team_id) profile.teamId = user.team_id;
    if (user?.is_bot !== undefined) profile.isBot = user.is_bot;
    return profile;
  });
}

/** Our bot's user and bot ids (`auth.test`), or null when Slack could not be asked. */
export function lookupOwnBot(ctx: SlackContext): Promise<SlackBotIdentity | null> {
  return cached(ctx, 'auth.test', async () => {
    const res = await slackClient(ctx, { timeoutMs: LOOKUP_TIMEOUT_MS }).auth.test();
    const own: SlackBotIdentity = {};
    if (res.user_id) own.userId = res.user_id;
    if (res.bot_id) own.botId = res.bot_id;
    if (res.team_id) own.teamId = res.team_id;
    return own;
  });
}

/** Forgets every cached answer (tests; a rotated token needs no call: the cache is keyed by the token). */
export function clearSlackDirectoryCache(): void {
  cache.clear();
}
