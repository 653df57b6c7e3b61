/**
 * Machine-sent mail: auto-replies (RFC 3834), vacation notices, bulk/list mail, and bounces (RFC 3464 DSNs and the
 * common non-standard MAILER-DAEMON shapes).
 */
import type { ParsedMail } from 'mailparser';
import { firstHeader } from './headers.ts';
import { normalizeMessageId } from './ids.ts';

const AUTOMATED_PRECEDENCE = new Set(['bulk', 'junk', 'list', 'auto_reply']);

/**
 * True for mail a machine sent on its own. `X-Auto-Response-Suppress` is deliberately ignored: Outlook sets it on
 * ordinary mail written by people.
 */
export function isAutomatedMail(headers: Map<string, string[]>): boolean {
  const autoSubmitted = firstHeader(headers, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]?.trim().toLowerCase() !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond') || headers.has('x-auto-response')) return true;
  const precedence = firstHeader(headers, 'precedence')?.trim().toLowerCase();
  return precedence !== undefined && AUTOMATED_PRECEDENCE.has(precedence);
}

export interface Bounce {
  /** False for delivery reports that are not failures (delayed, delivered, relayed): no status to record. */
  failed: boolean;
  /** Message-ID of the mail that bounced (ours, as we sent it), when the report quotes it. */
  originalMessageId?: string;
  /** Diagnostic-Code, else Status, else a generic reason. */
  error: string;
}

/** What bounce detection reads of a mail: report parts need their bytes (a prefix is enough for quoted originals). */
export interface BounceInput extends Pick<ParsedMail, 'from' | 'subject' | 'text'> {
  attachments: Array<{ contentType: string; content?: Buffer | undefined }>;
}
type Part = BounceInput['attachments'][number];
const textOf = (part: Part | undefined): string | undefined => part?.content?.toString('utf8');

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@/i;
const ORIGINAL_PARTS = new Set(['message/rfc822', 'text/rfc822-headers', 'message/rfc822-headers']);

/** Reads a header field (unfolded) from a block of RFC 5322 header text. */
function fieldIn(text: string, name: string): string | undefined {
  const unfolded = text.replace(/\r?\n[ \t]+/g, ' ');
  const match = new RegExp(`^${name}:[ \\t]*(.+)$`, 'im').exec(unfolded);
  return match?.[1]?.trim() || undefined;
}

function originalMessageId(mail: BounceInput, parts: Part[]): string | undefined {
  for (const part of parts) {
    const text = textOf(part) ?? '';
    const headerBlock = text.split(/\r?\n\r?\n/)[0] ?? '';
    const id = normalizeMessageId(fieldIn(headerBlock, 'message-id'));
    if (id) return id;
  }
  // Non-standard bounces quote the original headers inside the body text.
  return normalizeMessageId(fieldIn(mail.text ?? '', 'message-id'));
}

function bounceError(mail: BounceInput): string {
  const status = mail.attachments.find((a) => a.contentType === 'message/delivery-status');
  const text = textOf(status) ?? mail.text ?? '';
  const diagnostic = fieldIn(text, 'diagnostic-code');
  if (diagnostic) return diagnostic.replace(/^[a-z0-9-]+;\s*/i, '');
  const code = fieldIn(text, 'status');
  if (code) return `Delivery failed (status ${code})`;
  const smtpLine = /\b5\d\d[ -]\d\.\d+\.\d+[^\r\n]*/.exec(text)?.[0];
  return smtpLine?.trim() ?? 'Delivery failed (bounce without diagnostic)';
}

/** Recognizes a delivery failure report; null for any other mail. */
export function detectBounce(mail: BounceInput, headers: Map<string, string[]>): Bounce | null {
  const contentType = firstHeader(headers, 'content-type') ?? '';
  const report = /^\s*multipart\/report\s*;/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType);
  const originals = mail.attachments.filter((a) => ORIGINAL_PARTS.has(a.contentType.toLowerCase()));
  const from = mail.from?.value[0]?.address ?? '';
  const returnPath = firstHeader(headers, 'return-path')?.trim();
  const daemon = BOUNCE_SENDER.test(from);
  // RFC 3834 auto-replies also use the null sender: for them, a bounce-like subject AND a quoted original are needed.
  const nullSender = returnPath === '<>';
  const subject = mail.subject ?? '';
  const looksLikeBounce =
    /undeliver|delivery (status notification|failure|has failed)|returned mail|failure notice|mail delivery failed/i.test(subject);
  const nonStandard = (daemon && (originals.length > 0 || looksLikeBounce)) || (nullSender && looksLikeBounce && originals.length > 0);
  if (!report && !nonStandard) return null;
  // A DSN may report success ("Action: delivered/relayed"): only failures are bounces.
  const status = mail.attachments.find((a) => a.contentType === 'message/delivery-status');
  const statusText = textOf(status);
  const action = statusText !== undefined ? fieldIn(statusText, 'action')?.toLowerCase() : undefined;
  const id = originalMessageId(mail, originals);
  const failed = action === undefined || action === 'failed';
  return { failed, ...(id !== undefined && { originalMessageId: id }), error: failed ? bounceError(mail) : `Delivery report: ${action}` };
}
