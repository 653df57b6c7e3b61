import type { ConnectionCheck } from '../contract.ts';
import { platformErrorCode, slackClient, slackError, type SlackContext } from './client.ts';

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'no_permission', 'ekm_access_denied']);

/** `auth.test` with the inbox's bot token: which workspace and bot it is, or why not. Never throws. */
export async function testSlackConnection(ctx: SlackContext): Promise<ConnectionCheck> {
  try {
    const res = await slackClient(ctx).auth.test();
    return {
      ok: true,
      details: { team: res.team ?? null, teamId: res.team_id ?? null, botUserId: res.user_id ?? null, botId: res.bot_id ?? null, url: res.url ?? null },
    };
  } catch (err) {
    const code = platformErrorCode(err);
    const e = slackError(err, 'auth.test', ctx);
    if (code !== undefined && AUTH_ERRORS.has(code)) return { ok: false, problem: 'auth_failed', message: `Slack refused the bot token: ${code}` };
    const problem = e.code === 'network_error' ? 'unreachable' : e.code === 'timeout' ? 'timeout' : 'unknown';
    return { ok: false, problem, message: e.message };
  }
}
