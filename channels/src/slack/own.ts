import type { SlackContext } from './client.ts';
import { lookupOwnBot } from './directory.ts';
import type { SlackEventCallback, SlackMessage } from './events.ts';

/**
 * Whether a message was posted by this inbox's own app, so it is never ingested (our replies come back as events):
 * its app id is the one the event was delivered to (or the configured `appId`), its user is our bot user (from the
 * event's authorizations or `botUserId`), or its bot id is ours (`auth.test`, asked only for bot messages
 * that said nothing else).
 */
export async function isOwnMessage(m: SlackMessage, envelope: SlackEventCallback, ctx: SlackContext): Promise<boolean> {
  const appIds = new Set([envelope.api_app_id, ctx.credentials.appId].filter(Boolean));
  if ((m.app_id && appIds.has(m.app_id)) || (m.bot_profile?.app_id && appIds.has(m.bot_profile.app_id))) return true;
  const botUsers = new Set([ctx.credentials.botUserId, ...(envelope.authorizations ?? []).filter((a) => a.is_bot).map((a) => a.user_id)].filter(Boolean));
  if (m.user && botUsers.has(m.user)) return true;
  if (!m.bot_id) return false;
  const own = await lookupOwnBot(ctx);
  return own !== null && (own.botId === m.bot_id || (m.user !== undefined && own.userId === m.user));
}
