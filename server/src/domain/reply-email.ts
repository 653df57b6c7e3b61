import type { InboxKind } from '@switchboard/channels';
import { AppError } from '../lib/errors.ts';

/**
 * An email reply's own Subject and Cc, as the agent wrote them. Kept in the message's `metadata.emailReply`
 * (so a retry sends the same mail) and handed to the email adapter as `OutboundMessage.subject` / `cc`.
 * `cc` set (even empty) replaces the Cc the conversation's participants would get.
 */
export interface ReplyEmail {
  subject?: string | undefined;
  cc?: string[] | undefined;
}

/** Subject and Cc belong to email: on any other channel they are refused (400), never silently dropped. */
export function assertEmailFieldsAllowed(kind: InboxKind | undefined, email: ReplyEmail | undefined): void {
  if (!email || (email.subject === undefined && email.cc === undefined) || kind === 'email') return;
  const why = `Only email conversations take a subject and Cc (this one is ${kind ?? 'unknown'})`;
  const fields = [...(email.subject !== undefined ? ['subject'] : []), ...(email.cc !== undefined ? ['cc'] : [])];
  throw new AppError('validation_failed', why, { fieldErrors: Object.fromEntries(fields.map((f) => [f, ['Email conversations only']])) });
}

/** The `metadata.emailReply` of a stored reply (nothing when the agent set neither). */
export function replyEmailMetadata(email: ReplyEmail | undefined): { emailReply: { subject?: string; cc?: string[] } } | Record<string, never> {
  if (!email || (email.subject === undefined && email.cc === undefined)) return {};
  return { emailReply: { ...(email.subject !== undefined ? { subject: email.subject } : {}), ...(email.cc !== undefined ? { cc: [...new Set(email.cc)] } : {}) } };
}

/** A stored reply's Subject and Cc for the email adapter (`OutboundMessage.subject` / `cc`). */
export function replyEmailOf(metadata: unknown): { subject: string | null; cc: string[] | null } {
  const e = (metadata as { emailReply?: unknown } | null)?.emailReply;
  if (!e || typeof e !== 'object') return { subject: null, cc: null };
  const { subject, cc } = e as Record<string, unknown>;
  return {
    subject: typeof subject === 'string' ? subject : null,
    cc: Array.isArray(cc) ? cc.filter((a): a is string => typeof a === 'string') : null,
  };
}
