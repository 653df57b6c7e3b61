import { simpleParser, type AddressObject, type MailParserOptions, type ParsedMail } from 'mailparser';
import { attachmentTooLarge, type AdapterContext, type InboundAttachment, type InboundMessage, type NormalizedContact, type ParsedInbound } from '../contract.ts';
import { malformed } from '../util/errors.ts';
import { normalizeEmail } from '../util/normalize.ts';
import { htmlToText } from '../util/text.ts';
import { detectBounce, isAutomatedMail } from './auto.ts';
import { headersOfInterest, rawHeaderMap } from './headers.ts';
import { isOwnAddress, messageIdsIn, normalizeMessageId, replyTokenOf, syntheticMessageId } from './ids.ts';
import { visibleReply } from './reply-text.ts';
import { DEFAULT_MAX_ATTACHMENT_BYTES, type EmailCredentials, type EmailSettings } from './schema.ts';

export type EmailContext = AdapterContext<EmailCredentials, EmailSettings>;

/** Parts that describe the mail itself rather than being files the customer sent. */
export const REPORT_PARTS = new Set(['message/delivery-status', 'text/rfc822-headers', 'message/rfc822-headers']);

/** mailparser's options for both the in-memory and the streaming path (they must read a mail the same way). */
export const PARSER_OPTIONS: MailParserOptions = {
  keepDeliveryStatus: true,
  skipImageLinks: true,
  skipTextLinks: true,
  skipTextToHtml: true,
  checksumAlgo: false,
};

/**
 * One MIME part mailparser offers as an attachment, however it was read: its bytes in memory (`content`; for
 * a streamed report part, enough of them to read its headers), already in storage (`storedRef`), or not kept
 * (`error`).
 */
export interface MailPart {
  filename?: string | undefined;
  contentType: string;
  size: number;
  cid?: string | undefined;
  content?: Buffer | undefined;
  storedRef?: string;
  error?: string;
}

/** What the rest of the parse reads of a mail: simpleParser's result, or the same fields gathered while streaming. */
export type MailView = Pick<
  ParsedMail,
  'headerLines' | 'from' | 'to' | 'cc' | 'replyTo' | 'subject' | 'date' | 'messageId' | 'inReplyTo' | 'references' | 'text' | 'html'
> & { attachments: MailPart[] };
/** A forward's quoted part is the content the agent needs: keep the whole text. */
const FORWARD_SUBJECT = /^\s*(fwd?|wg|tr|rv|vs|i)\s*:/i;
const EARLIEST_PLAUSIBLE = Date.UTC(1990, 0, 1);

interface Address {
  address: string;
  name?: string;
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) visit(e.group);
      const address = e.address ? normalizeEmail(e.address) : null;
      if (address) out.push({ address, ...(e.name.trim() && { name: e.name.trim() }) });
    }
  };
  for (const obj of Array.isArray(value) ? value : value ? [value] : []) visit(obj.value);
  return out;
}

/** Addresses exactly as written (case kept: reply tokens are case-sensitive). */
function rawAddressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const out: string[] = [];
  const visit = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.group) visit(e.group);
      if (e.address) out.push(e.address.trim());
    }
  };
  for (const obj of Array.isArray(value) ? value : value ? [value] : []) visit(obj.value);
  return out;
}

function contactOf(a: Address): NormalizedContact {
  return { ...(a.name !== undefined && { name: a.name }), identities: [{ kind: 'email', address: a.address }] };
}

/** In-Reply-To first, then References newest first; without duplicates or the mail's own id. */
export function threadCandidatesOf(mail: Pick<ParsedMail, 'inReplyTo' | 'references'>, ownId: string): string[] {
  const ids = [...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references).reverse()];
  return [...new Set(ids)].filter((id) => id !== ownId);
}

function occurredAt(date: Date | undefined, now: Date): Date {
  const t = date?.getTime();
  if (t === undefined || Number.isNaN(t) || t < EARLIEST_PLAUSIBLE || t > now.getTime()) return now;
  return date as Date;
}

/** The name a part is stored under: its filename, else a stand-in numbered by its place among the parts. */
export function partName(part: Pick<MailPart, 'filename' | 'contentType'>, index: number): string {
  const fallback = part.contentType.toLowerCase() === 'message/rfc822' ? `message-${index + 1}.eml` : `attachment-${index + 1}`;
  return part.filename?.trim() || fallback;
}

function attachmentsOf(parts: MailPart[], max: number) {
  const kept: InboundAttachment[] = [];
  const dropped: Array<{ name: string; contentType: string; size: number }> = [];
  parts.forEach((part, i) => {
    if (REPORT_PARTS.has(part.contentType.toLowerCase())) return;
    const name = partName(part, i);
    const common = { name, contentType: part.contentType, size: part.size, ...(part.cid !== undefined && { contentId: part.cid }) };
    const error = part.error ?? (part.storedRef === undefined && part.size > max ? attachmentTooLarge(part.size, max) : undefined);
    if (error !== undefined) {
      // Recorded (name, type, size, why) but not kept; the mail itself is still stored.
      kept.push({ ...common, error });
      dropped.push({ name, contentType: part.contentType, size: part.size });
    } else if (part.storedRef !== undefined) {
      kept.push({ ...common, storedRef: part.storedRef });
    } else if (part.content) {
      kept.push({ ...common, content: new Uint8Array(part.content.buffer, part.content.byteOffset, part.content.byteLength) });
    }
  });
  return { kept, dropped };
}

async function readMail(raw: Uint8Array): Promise<ParsedMail> {
  if (raw.byteLength === 0) throw malformed('Empty email');
  try {
    return await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), { ...PARSER_OPTIONS, keepCidLinks: true });
  } catch (err) {
    throw malformed(`Unreadable email: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

/** Parses one raw RFC 5322 message (IMAP fetch or SMTP forwarding). Throws ChannelError('malformed_payload'). */
export async function parseEmail(raw: Uint8Array, ctx: EmailContext): Promise<ParsedInbound> {
  const mail = await readMail(raw);
  return inboundOf(mail, ctx, () => syntheticMessageId(raw));
}

/**
 * A read mail → what the ingest path stores (both parse paths end here). `syntheticId` names a mail without
 * Message-ID (a hash of its bytes).
 */
export function inboundOf(mail: MailView, ctx: EmailContext, syntheticId: () => string): ParsedInbound {
  if (mail.headerLines.length === 0) throw malformed('Not an email: no header fields');
  const headers = rawHeaderMap(mail.headerLines);
  const now = ctx.now();

  const bounce = detectBounce(mail, headers);
  if (bounce) {
    const statuses =
      bounce.failed && bounce.originalMessageId
        ? [{ providerMessageId: bounce.originalMessageId, status: 'failed' as const, error: bounce.error, occurredAt: occurredAt(mail.date, now) }]
        : [];
    return { messages: [], statuses };
  }

  const [sender] = addressesOf(mail.from);
  if (!sender) throw malformed('Email has no valid From address');
  const ours = ctx.credentials.fromAddress;
  const messageId = normalizeMessageId(mail.messageId) ?? syntheticId();
  const to = addressesOf(mail.to);
  const cc = addressesOf(mail.cc);

  const tokenSources = [
    ...rawAddressesOf(mail.to),
    ...rawAddressesOf(mail.cc),
    ...(headers.get('delivered-to') ?? []),
    ...(headers.get('x-original-to') ?? []),
  ];
  const conversationToken = tokenSources.map((a) => replyTokenOf(a.replace(/^<|>$/g, ''), ours)).find((t) => t);

  const seen = new Set([sender.address]);
  const participants: NormalizedContact[] = [];
  for (const a of [...to, ...cc]) {
    if (seen.has(a.address) || isOwnAddress(a.address, ours)) continue;
    seen.add(a.address);
    participants.push(contactOf(a));
  }

  const html = typeof mail.html === 'string' && mail.html.trim() ? mail.html : undefined;
  const fullText = mail.text?.trim() ? mail.text : html ? htmlToText(html) : '';
  const max = ctx.settings.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const { kept, dropped } = attachmentsOf(mail.attachments, max);
  const threadCandidates = threadCandidatesOf(mail, messageId);
  const autoSubmitted = headers.get('auto-submitted')?.[0];

  const message: InboundMessage = {
    providerMessageId: messageId,
    contact: contactOf(sender),
    text: FORWARD_SUBJECT.test(mail.subject ?? '') ? fullText.trim() : visibleReply(fullText),
    attachments: kept,
    occurredAt: occurredAt(mail.date, now),
    metadata: {
      email: {
        messageId,
        from: sender,
        to,
        cc,
        replyTo: addressesOf(mail.replyTo),
        inReplyTo: messageIdsIn(mail.inReplyTo)[0] ?? null,
        references: messageIdsIn(mail.references),
        fullText,
        ...(autoSubmitted !== undefined && { autoSubmitted }),
        headers: headersOfInterest(headers),
        ...(dropped.length > 0 && { droppedAttachments: dropped }),
      },
    },
  };
  if (html !== undefined) message.html = html;
  if (mail.subject?.trim()) message.subject = mail.subject.trim();
  // Always set, even empty: mail threads by reference only, so a mail with nothing to thread on starts a
  // conversation of its own (never joins the sender's open one by contact).
  message.threadCandidates = threadCandidates;
  if (conversationToken) message.conversationToken = conversationToken;
  if (isAutomatedMail(headers)) message.automated = true;
  if (participants.length > 0) message.participants = participants;
  return { messages: [message], statuses: [] };
}
