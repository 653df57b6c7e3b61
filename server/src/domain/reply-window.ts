import type { ChannelAdapter, InboxKind, OutboundTemplate } from '@switchboard/channels';
import { AppError } from '../lib/errors.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Db } from '../repositories/store.ts';

/**
 * What the channel allows before a reply is queued (nothing is queued when it refuses):
 * - a template only where the adapter `supportsTemplates` (400 validation_failed otherwise);
 * - a free-form reply only within the adapter's `replyWindowHours` of the customer's last message on the
 *   conversation (422 outside_reply_window otherwise: Meta would refuse it). Templates may go out at any time.
 */
export async function assertReplyAllowed(
  db: Db,
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined,
  conversation: { id: string },
  /** The kind of the conversation's inbox (undefined: the inbox is gone). */
  inboxKind: InboxKind | undefined,
  template: OutboundTemplate | null | undefined,
  now = new Date(),
): Promise<void> {
  const adapter = inboxKind ? adapterFor(inboxKind) : undefined;
  if (template && !adapter?.supportsTemplates) {
    throw new AppError('validation_failed', `The ${inboxKind ?? 'conversation'} channel has no message templates`, { fieldErrors: { template: ['Not supported by this channel'] } });
  }
  const hours = adapter?.replyWindowHours;
  if (!hours || template) return;
  const last = await messagesRepo.lastInboundAt(db, conversation.id);
  if (last && now.getTime() - last.getTime() <= hours * 3_600_000) return;
  const since = last ? `The customer last wrote at ${last.toISOString()}` : 'The customer has not written on this conversation';
  const instead = adapter.supportsTemplates ? 'send an approved template (`template`) instead' : 'wait until the customer writes again';
  throw new AppError(
    'outside_reply_window',
    `${since}: ${inboxKind} allows free-form replies only within ${hours} hours of the customer's last message; ${instead}`,
    { windowHours: hours, lastInboundAt: last?.toISOString() ?? null, templates: adapter.supportsTemplates === true },
  );
}

/** The template a stored reply was written as (kept in its metadata), if any. */
export function templateOf(metadata: unknown): OutboundTemplate | null {
  const t = (metadata as { template?: unknown } | null)?.template;
  if (!t || typeof t !== 'object') return null;
  const { name, language, components } = t as Record<string, unknown>;
  if (typeof name !== 'string' || typeof language !== 'string') return null;
  return { name, language, ...(Array.isArray(components) ? { components: components as OutboundTemplate['components'] } : {}) };
}
