import { z } from 'zod';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

export const slackCredentialsSchema = z.object({
  /** The app's Bot User OAuth Token (`xoxb-…`): reads users and files, posts replies. */
  botToken: z
    .string()
    .trim()
    .regex(/^xoxb-[A-Za-z0-9-]+$/, 'must be a bot token (xoxb-…), from OAuth & Permissions'),
  /** The app's Signing Secret (Basic Information): verifies every Events API request. */
  signingSecret: z.string().trim().min(16, 'signingSecret must be at least 16 characters').max(256),
  /** Optional: the app's id (`A…`). Messages posted by this app are never ingested (the event envelope names it too). */
  appId: z.string().trim().regex(/^A[A-Z0-9]+$/, 'must be an app id like A0123ABCD').optional(),
  /** Optional: the bot's user id (`U…`/`W…`); otherwise learned from the event or `auth.test`. */
  botUserId: z.string().trim().regex(/^[UW][A-Z0-9]+$/, 'must be a user id like U0123ABCD').optional(),
});
export type SlackCredentials = z.output<typeof slackCredentialsSchema>;

export const slackSettingsSchema = z.looseObject({
  /**
   * Base URL of the Slack Web API (default `https://slack.com/api/`; GovSlack: `https://slack-gov.com/api/`).
   * Tests point it at a local fake.
   */
  apiUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default(DEFAULT_SLACK_API_URL)
    .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
  /**
   * How an agent's name shows on replies: `username` posts as the agent's name (needs the
   * `chat:write.customize` scope), `prefix` starts the text with "*Anna:*", `none` posts as the app.
   */
  agentName: z.enum(['username', 'prefix', 'none']).default('username'),
});
export type SlackSettings = z.output<typeof slackSettingsSchema>;
