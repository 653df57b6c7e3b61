/** The parts of Events API payloads we read (Slack adds fields freely: every object is loose). */
import { z } from 'zod';

const ts = z.string().regex(/^\d{1,12}\.\d{1,9}$/, 'must be a Slack timestamp like 1700000000.000100');
const id = z.string().min(1).max(64);

export const slackFileSchema = z.looseObject({
  id,
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
  url_private: z.string().nullish(),
  url_private_download: z.string().nullish(),
  /** Slack Connect: files of another organization arrive as `check_file_info` with only their id. */
  file_access: z.string().nullish(),
  /** `tombstone` (deleted), `hidden_by_limit`…: nothing to download. */
  mode: z.string().nullish(),
});
export type SlackFile = z.output<typeof slackFileSchema>;

const messageFields = {
  type: z.literal('message'),
  subtype: z.string().optional(),
  user: id.optional(),
  bot_id: id.optional(),
  app_id: id.optional(),
  bot_profile: z.looseObject({ app_id: id.optional(), name: z.string().optional() }).nullish(),
  username: z.string().optional(),
  text: z.string().max(1_000_000).optional(),
  ts,
  thread_ts: ts.optional(),
  team: id.optional(),
  user_team: id.optional(),
  user_profile: z
    .looseObject({ real_name: z.string().optional(), display_name: z.string().optional(), name: z.string().optional() })
    .nullish(),
  files: z.array(slackFileSchema).max(100).optional(),
  edited: z.looseObject({ user: id.optional(), ts }).optional(),
};

/** A message as Slack shows it (the event itself, or `message` inside `message_changed`). */
export const slackMessageSchema = z.looseObject(messageFields);
export type SlackMessage = z.output<typeof slackMessageSchema>;

/** A `message` event: a message in a channel the app is in, or a change to one (`subtype`). */
export const slackMessageEventSchema = z.looseObject({
  ...messageFields,
  ts,
  channel: id,
  channel_type: z.string().optional(),
  /** `message_changed`: the message as it is now. */
  message: slackMessageSchema.optional(),
  /** `message_deleted`: the ts of the deleted message. */
  deleted_ts: ts.optional(),
});
export type SlackMessageEvent = z.output<typeof slackMessageEventSchema>;

export const slackEnvelopeSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('url_verification'), challenge: z.string().min(1).max(1024) }),
  z.looseObject({
    type: z.literal('event_callback'),
    team_id: id,
    api_app_id: id.optional(),
    event_id: id.optional(),
    event: z.looseObject({ type: z.string() }),
    authorizations: z.array(z.looseObject({ user_id: id.nullish(), is_bot: z.boolean().optional() })).nullish(),
  }),
  z.looseObject({ type: z.literal('app_rate_limited') }),
]);
export type SlackEnvelope = z.output<typeof slackEnvelopeSchema>;
export type SlackEventCallback = Extract<SlackEnvelope, { type: 'event_callback' }>;
