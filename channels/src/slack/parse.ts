import type { InboundEdit, InboundMessage, InboundRequest, NormalizedIdentity, ParsedInbound } from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';
import type { SlackContext } from './client.ts';
import { lookupUser } from './directory.ts';
import { slackEnvelopeSchema, slackMessageEventSchema, type SlackEventCallback, type SlackMessage, type SlackMessageEvent } from './events.ts';
import { attachmentsOf } from './files.ts';
import { isOwnMessage } from './own.ts';
import { slackTsToDate, slackToText } from './text.ts';

/** Message subtypes that are something a person (or another app) said; joins, topic changes… are not. */
const SPOKEN = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message', 'bot_message']);

/** `<channel>:<ts>`: a Slack message's id (ts is only unique within its channel). Also our replies' provider id. */
export const slackMessageId = (channel: string, ts: string): string => `${channel}:${ts}`;

/** The Slack user's identity address: `<team id>:<user id>`. */
export const slackIdentityAddress = (teamId: string, userId: string): string => `${teamId}:${userId}`;

/** The thread a conversation is: `<channel>:<root ts>` → channel and root ts. */
export function parseThreadKey(threadKey: string | null | undefined): { channel: string; ts: string } | null {
  const m = /^([A-Z0-9]+):(\d+\.\d+)$/.exec(threadKey ?? '');
  return m?.[1] && m[2] ? { channel: m[1], ts: m[2] } : null;
}

const EMPTY: ParsedInbound = { messages: [], statuses: [] };

function parseJson(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch (err) {
    throw malformed(`Body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

async function contactOf(m: SlackMessage, envelope: SlackEventCallback, ctx: SlackContext): Promise<InboundMessage['contact']> {
  const team = m.user_team ?? m.team ?? envelope.team_id;
  const author = m.user ?? m.bot_id ?? 'unknown';
  const identities: NormalizedIdentity[] = [{ kind: 'slack', address: slackIdentityAddress(team, author), verified: true }];
  // users.info for the name and email; a failure (outage, missing scope) keeps the Slack id alone.
  const profile = m.user ? await lookupUser(ctx, m.user) : null;
  if (profile?.email) identities.push({ kind: 'email', address: profile.email });
  const name =
    m.user_profile?.real_name?.trim() || profile?.name || m.user_profile?.display_name?.trim() || m.username?.trim() || m.bot_profile?.name?.trim();
  return name ? { name, identities } : { identities };
}

async function toMessage(ev: SlackMessageEvent, envelope: SlackEventCallback, ctx: SlackContext): Promise<InboundMessage | null> {
  const text = slackToText(ev.text ?? '');
  const attachments = attachmentsOf(ev.files);
  if (!text.trim() && attachments.length === 0) return null;
  const rootTs = ev.thread_ts ?? ev.ts;
  const message: InboundMessage = {
    providerMessageId: slackMessageId(ev.channel, ev.ts),
    // Each top-level message starts a conversation; replies in its thread belong to it.
    threadKey: slackMessageId(ev.channel, rootTs),
    contact: await contactOf(ev, envelope, ctx),
    text,
    attachments,
    occurredAt: slackTsToDate(ev.ts),
    metadata: {
      slack: {
        team: envelope.team_id,
        channel: ev.channel,
        ts: ev.ts,
        threadTs: rootTs,
        ...(ev.user ? { user: ev.user } : {}),
        ...(envelope.event_id ? { eventId: envelope.event_id } : {}),
      },
    },
  };
  // Another app's message (not ours: those never get here) joins a thread but never starts a conversation.
  if (ev.bot_id || ev.subtype === 'bot_message') message.automated = true;
  return message;
}

function toEdit(ev: SlackMessageEvent): InboundEdit | null {
  if (ev.subtype === 'message_deleted' && ev.deleted_ts) {
    return { providerMessageId: slackMessageId(ev.channel, ev.deleted_ts), deleted: true, occurredAt: slackTsToDate(ev.ts) };
  }
  const changed = ev.message;
  if (ev.subtype !== 'message_changed' || !changed) return null;
  // A thread root deleted while it has replies stays as a tombstone.
  if (changed.subtype === 'tombstone') {
    return { providerMessageId: slackMessageId(ev.channel, changed.ts), deleted: true, occurredAt: slackTsToDate(ev.ts) };
  }
  // message_changed also reports unfurls and reply counts: only an `edited` stamp is an edit by its author.
  if (!changed.edited) return null;
  return { providerMessageId: slackMessageId(ev.channel, changed.ts), text: slackToText(changed.text ?? ''), occurredAt: slackTsToDate(changed.edited.ts) };
}

/**
 * An Events API request → messages and edits. Top-level messages start conversations (thread key
 * `<channel>:<ts>`), thread replies join theirs (`<channel>:<thread_ts>`); our own app's messages, joins and
 * other housekeeping subtypes, and events other than `message` yield nothing. Throws malformed_payload.
 */
export async function parseSlackEvent(req: InboundRequest, ctx: SlackContext): Promise<ParsedInbound> {
  const envelope = slackEnvelopeSchema.safeParse(parseJson(req.rawBody));
  if (!envelope.success) throw malformed(`Invalid Events API payload: ${formatZodError(envelope.error)}`, envelope.error);
  if (envelope.data.type !== 'event_callback' || envelope.data.event.type !== 'message') return EMPTY;
  const callback = envelope.data;
  const event = slackMessageEventSchema.safeParse(callback.event);
  if (!event.success) throw malformed(`Invalid message event: ${formatZodError(event.error)}`, event.error);
  const ev = event.data;

  if (ev.subtype === 'message_changed' || ev.subtype === 'message_deleted') {
    if (ev.message && (await isOwnMessage(ev.message, callback, ctx))) return EMPTY;
    const edit = toEdit(ev);
    return edit ? { messages: [], statuses: [], edits: [edit] } : EMPTY;
  }
  if (!SPOKEN.has(ev.subtype) || (await isOwnMessage(ev, callback, ctx))) return EMPTY;
  const message = await toMessage(ev, callback, ctx);
  return message ? { messages: [message], statuses: [] } : EMPTY;
}

/** The challenge of a `url_verification` request, if it is one (never throws). */
export function urlVerificationChallenge(rawBody: string): string | null {
  try {
    const parsed = slackEnvelopeSchema.safeParse(JSON.parse(rawBody));
    return parsed.success && parsed.data.type === 'url_verification' ? parsed.data.challenge : null;
  } catch {
    return null;
  }
}
