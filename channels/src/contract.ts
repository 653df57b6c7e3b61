/**
 * The one contract every channel adapter implements.
 *
 * An adapter is a bag of pure functions: it never touches the database and never
 * runs an HTTP server. The server hands it the raw inbound request plus an
 * {@link AdapterContext} and stores whatever comes back; for outbound it calls
 * `send`, which talks to the provider through the injected `ctx.fetch`.
 */
import type { Readable } from 'node:stream';
import type { z } from 'zod';

export type InboxKind =
  | 'email'
  | 'sms'
  | 'whatsapp'
  | 'webchat'
  | 'slack'
  | 'messenger'
  | 'instagram'
  | 'telegram'
  | 'api';

export type IdentityKind =
  | 'email'
  | 'phone'
  | 'slack'
  | 'messenger'
  | 'instagram'
  | 'telegram'
  | 'webchat'
  | 'api';

/** A provider's webhook call exactly as received. */
export interface InboundRequest {
  method: string;
  /** Full public URL the provider called (scheme, host, path, query). */
  url: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Body decoded as UTF-8, byte-for-byte as received (signatures are computed over it). */
  rawBody: string;
}

export interface AdapterContext<C = unknown, S = unknown> {
  inbox: { id: string; publicToken: string; kind: InboxKind };
  /** Already validated with the adapter's `credentialsSchema`. */
  credentials: C;
  /** Already validated with the adapter's `settingsSchema`. */
  settings: S;
  /** Used for every outbound HTTP call (inject a fake in tests). */
  fetch: typeof fetch;
  now: () => Date;
  /**
   * The public URL providers call for this inbox's webhooks (`{PUBLIC_URL}/webhooks/{kind}/{publicToken}`), where
   * the server knows it (connect/disconnect always get it); adapters that register their webhook with the
   * provider (Telegram `setWebhook`) use it.
   */
  webhookUrl?: string;
  /**
   * The public base URL providers call (PUBLIC_URL, no trailing slash), set by the server. The inbox's webhook URL is
   * `${publicUrl}/webhooks/${inbox.kind}/${inbox.publicToken}` (for providers that take a callback URL per request).
   */
  publicUrl?: string;
  /**
   * For `send`: a reply that takes several provider messages (text parts, a message per file). `ids` are the parts
   * an earlier try of this same reply already sent (by index); `record` stores a part's provider id as soon as it is
   * out. Adapters send their parts through `sendInParts` (util/parts.ts), which skips the sent ones: a retry after a
   * partly failed reply sends only the rest.
   */
  sentParts?: { ids: ReadonlyArray<string | null | undefined>; record(index: number, providerId: string): Promise<void> };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export interface NormalizedIdentity {
  kind: IdentityKind;
  /** Normalized: lower-cased email, E.164 phone, `<inboxId>:<externalId>` for api… */
  address: string;
  /**
   * How far the address can be trusted for matching contacts (see server ingest rules):
   * - `true`: proven (signed widget identity, provider-verified sender); stored as verified.
   * - omitted: asserted by an authenticated channel (the From of a mail, the phone of an SMS,
   *   an integrator's email): matches an existing contact.
   * - `false`: an unproven claim (an email typed into a chat form): never merges into an existing contact.
   */
  verified?: boolean;
}

export interface NormalizedContact {
  name?: string;
  company?: string;
  /** At least one; addresses already normalized. */
  identities: NormalizedIdentity[];
  attributes?: Record<string, unknown>;
}

export interface InboundAttachment {
  name: string;
  contentType: string;
  size?: number;
  /** Remote location (the server downloads or proxies it). */
  url?: string;
  /** Inline bytes (e.g. MIME parts). */
  content?: Uint8Array;
  /** For inline images referenced from html (`cid:`). */
  contentId?: string;
  /** Already in the server's storage (streamed parsing): the `ref` its {@link AttachmentSink} answered. */
  storedRef?: string;
  /**
   * The file was not kept: recorded on the message by name, type and size with this reason (nothing to
   * download). Starts with a stable code: `too_large: …` for a file over the size limit.
   */
  error?: string;
}

/** What an {@link AttachmentSink} is told about a file before its bytes. */
export interface AttachmentFileInfo {
  name: string;
  contentType: string;
  contentId?: string;
}

/** A sink's answer: where the file now is, or that it exceeded the server's storage limit (nothing kept). */
export type StoredFile = { ref: string; size: number } | { tooLarge: true; limit: number };

/**
 * Where streamed parsing puts attachment bytes (the server writes them to its storage). The sink reads `content`
 * to its end and answers with a reference for `InboundAttachment.storedRef`, or `{ tooLarge }`. It may stop early
 * only by failing (rejecting); the adapter then fails the parse with that error (storage trouble: retried later),
 * except when the adapter itself destroyed `content` because the file went over its own limit.
 */
export type AttachmentSink = (file: AttachmentFileInfo, content: Readable) => Promise<StoredFile>;

/** `InboundAttachment.error` for a file over the size limit. */
export function attachmentTooLarge(size: number, limit: number): string {
  return `too_large: ${size} bytes, over the limit of ${limit} bytes`;
}

export interface InboundMessage {
  /** Provider's id; the server dedupes on (inbox, providerMessageId). */
  providerMessageId: string;
  /** Groups messages into one conversation when the channel has threads. */
  threadKey?: string;
  contact: NormalizedContact;
  /** Plain text (always present, possibly ''). */
  text: string;
  /** Raw, UNSANITIZED html as received; the server sanitizes before storing/rendering. */
  html?: string;
  subject?: string;
  attachments: InboundAttachment[];
  occurredAt: Date;
  metadata: Record<string, unknown>;
  /**
   * Provider message ids this message answers (email: In-Reply-To, then References newest first).
   * The server joins the conversation of the first one it has stored or sent in this inbox.
   */
  threadCandidates?: string[];
  /** A conversation token found in the address it was sent to (email `reply+<token>@…`): threads there. */
  conversationToken?: string;
  /**
   * Sent by a machine (auto-reply, vacation notice, mailing list): it joins an existing conversation but never
   * starts one, and never triggers automatic replies (no mail loops).
   */
  automated?: boolean;
  /** Other customers addressed alongside the sender (email Cc): recorded on the conversation. */
  participants?: NormalizedContact[];
  /**
   * A consent keyword the sender used (SMS STOP / START / HELP): the server records it on the sender's first identity
   * (`contact.identities[0]`). `opted_out` sets the identity's `optedOutAt` (replies to it are refused), `opted_in`
   * clears it, `help` is only recorded.
   */
  consent?: ConsentChange;
}

/** What a provider tells about a sender (see {@link ChannelAdapter.fetchProfile}). */
export interface ContactProfile {
  name?: string;
  /** Merged into the contact's attributes under the channel's key (e.g. `{ instagram: { username } }`). */
  attributes?: Record<string, unknown>;
}

export interface ConsentChange {
  change: 'opted_out' | 'opted_in' | 'help';
  /** The keyword as the provider reported or the sender typed it (e.g. `STOP`, `UNSUBSCRIBE`). */
  keyword: string;
}

export type DeliveryState = 'sent' | 'delivered' | 'read' | 'failed';

export interface StatusUpdate {
  /** Id returned earlier as `SendResult.providerMessageId`. */
  providerMessageId: string;
  status: DeliveryState;
  error?: string;
  occurredAt: Date;
}

/**
 * A receipt that covers every message sent to one contact up to a moment, without naming them (Messenger
 * `delivery`/`read` watermarks). The server applies `status` to this inbox's outbound messages to the contact
 * created at or before `upTo` (only ever forward, like any status).
 */
export interface WatermarkUpdate {
  /** The contact the receipt comes from (as in `NormalizedContact.identities`). */
  identity: NormalizedIdentity;
  status: 'delivered' | 'read';
  upTo: Date;
}

/**
 * A customer changed or withdrew a message they sent earlier (Slack `message_changed` / `message_deleted`).
 * The server applies it to the inbound message it stored under `providerMessageId` (unknown ids are ignored);
 * applying the same edit twice changes nothing.
 */
export interface InboundEdit {
  providerMessageId: string;
  /** The new plain text (edits). */
  text?: string;
  /** The new raw, UNSANITIZED html (edits); the server sanitizes it. */
  html?: string;
  /** The customer deleted the message: its content is removed and it is marked deleted. */
  deleted?: boolean;
  occurredAt: Date;
}

export interface ParsedInbound {
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  /** Receipts by time rather than by message id (Messenger watermarks). */
  watermarks?: WatermarkUpdate[];
  /** Edits and deletions of earlier inbound messages (channels that allow them). */
  edits?: InboundEdit[];
}

export interface HandshakeResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * A pre-approved message template (WhatsApp): sent instead of free text, also outside the reply window.
 * `components` are passed to the provider as they are (header/body/button parameters).
 */
export interface OutboundTemplate {
  name: string;
  /** Language/locale code of the approved translation, e.g. `en_US`, `de`. */
  language: string;
  components?: Array<Record<string, unknown>>;
}

export interface OutboundMessage {
  /** Our message id (stable across retries). */
  id: string;
  conversation: { id: string; number: number; threadKey: string | null; subject: string | null };
  contact: { id: string; name: string | null; identities: NormalizedIdentity[] };
  text: string;
  html?: string | null;
  author: { name: string } | null;
  /** Files the agent attached: the bytes (`content`), or where the adapter downloads them (`url`). */
  attachments: Array<{ name: string; contentType: string; size: number; url?: string; content?: Uint8Array }>;
  inReplyTo?: { providerMessageId: string } | null;
  /** Provider ids of the conversation's earlier messages, oldest first (email References). */
  references?: string[];
  /** The conversation's reply token (email: Reply-To `reply+<token>@…`). */
  replyToken?: string | null;
  /** Other customers on the conversation (email Cc). */
  participants?: Array<{ name: string | null; identities: NormalizedIdentity[] }>;
  /** Send this template instead of `text` (only for adapters with `supportsTemplates`). */
  template?: OutboundTemplate | null;
  /** Email only: the agent's Subject for this reply (default: `Re: <conversation subject>`). */
  subject?: string | null;
  /**
   * Email only: the Cc addresses the agent chose for this reply (normalized). When set (even empty) it replaces
   * the Cc taken from `participants`; absent: the conversation's other customers are copied.
   */
  cc?: string[] | null;
}

export interface SendResult {
  providerMessageId: string;
  status?: 'sent' | 'delivered';
  metadata?: Record<string, unknown>;
}

/**
 * Result of trying an inbox's credentials against the provider (before an inbox is saved, and on demand).
 * `problem` is a stable code: `auth_failed`, `unreachable`, `tls_failed`, `timeout`, `not_found`,
 * `folder_missing` (email), `unknown`; `protocol` names the part that failed (email: `imap` / `smtp`).
 */
export type ConnectionCheck =
  | { ok: true; details?: Record<string, unknown> }
  | { ok: false; problem: string; protocol?: string; message: string };

export interface ChannelAdapter<C = unknown, S = unknown> {
  kind: InboxKind;
  /**
   * The identity kind `send` addresses (sms/whatsapp: `phone`). With it, the server refuses replies (409
   * `recipient_opted_out`) when the contact's first identity of this kind has opted out.
   */
  recipientIdentityKind?: IdentityKind;
  credentialsSchema: z.ZodType<C>;
  settingsSchema: z.ZodType<S>;
  /**
   * Customer-service window: free-form replies are allowed only this many hours after the contact's last
   * inbound message on the conversation (Meta channels: 24). The server refuses later ones at the API
   * (`outside_reply_window`) unless a template is sent. Absent: no window.
   */
  replyWindowHours?: number;
  /** The channel can send `OutboundMessage.template` (WhatsApp message templates). */
  supportsTemplates?: boolean;
  /**
   * What the provider takes in files per reply, where it is less than the server's own limits: the server refuses a
   * reply over it (413 `payload_too_large`) instead of queueing a send the provider will refuse, and the console
   * checks files against it. Absent: the server's limits only.
   */
  outboundFileLimits?: { maxFileBytes?: number; maxTotalBytes?: number; maxFiles?: number };
  /**
   * Provider subscription handshakes (Meta hub.challenge, Slack url_verification…): return a response to send back,
   * or null. A `GET` is offered before `verify` (it carries no signed body: the handshake authenticates it itself,
   * e.g. Meta's verify token); any other method only after `verify` said ok (Slack signs its url_verification POST).
   */
  handshake?(req: InboundRequest, ctx: AdapterContext<C, S>): HandshakeResponse | null;
  /**
   * The body of the 2xx answer once a webhook's messages are stored (Twilio: empty TwiML, so its debugger logs no
   * error). Absent: JSON `{ ok, received, duplicates, statuses }`. The counts also go out as `X-Switchboard-*` headers.
   */
  acknowledge?(outcome: { received: number; duplicates: number; statuses: number }, ctx: AdapterContext<C, S>): HandshakeResponse;
  /** Authenticates the request (signature, token…). Never throws for bad input. */
  verify(req: InboundRequest, ctx: AdapterContext<C, S>): VerifyResult | Promise<VerifyResult>;
  /**
   * What identifies one delivery of a webhook request, for replay protection (called after `verify` said ok):
   * the signature and the bytes it covers, or the provider's delivery id (Telegram's `update_id`). The server keeps
   * a digest of it once the request's content is stored; a request with a recorded key is a replay: 401 `replayed`,
   * nothing stored. A provider's retry of a request that was not answered 2xx carries the same key but finds none
   * recorded, so it is accepted. Pure; never throws (null: no key for this request). Absent: no replay check
   * (messages stay idempotent on their provider ids).
   */
  replayKey?(req: InboundRequest, ctx: AdapterContext<C, S>): string | null;
  /** Throws (or rejects with) ChannelError code 'malformed_payload' on bad input. Only call after verify() said ok. */
  parse(req: InboundRequest, ctx: AdapterContext<C, S>): ParsedInbound | Promise<ParsedInbound>;
  /**
   * Channels whose messages also arrive outside webhooks, as raw bytes from a source that authenticated them
   * already (email: IMAP sync, SMTP forwarding): parse one raw message. Same output and errors as `parse`.
   */
  parseRaw?(raw: Uint8Array, ctx: AdapterContext<C, S>): Promise<ParsedInbound>;
  /**
   * `parseRaw` for input too large to hold in memory (email: a 40 MB mail): reads `source` once and hands each
   * attachment's bytes to `sink` as they are decoded, returning what `parseRaw` would with `storedRef` (or
   * `error`) in place of `content`. Same results and `malformed_payload` errors as `parseRaw`; a failing `source`
   * or `sink` rejects with its own error (not malformed: the input may be fine, try again later).
   */
  parseStream?(source: Readable, ctx: AdapterContext<C, S>, sink: AttachmentSink): Promise<ParsedInbound>;
  /**
   * Tries the credentials against the provider (a login, a `GET /me`…) through `ctx.fetch`. Never throws.
   * Absent: the channel has nothing to check (the API channel).
   */
  testConnection?(ctx: AdapterContext<C, S>): Promise<ConnectionCheck>;
  /**
   * Downloads an inbound attachment this adapter offered by `url` (adds the provider's auth, resolves a media id
   * to its file…) through `ctx.fetch`, and returns the provider's response: the server checks its status (5xx,
   * 429, 408 retried) and streams the body to storage. Absent: the server GETs `url` as it is.
   */
  fetchAttachment?(url: string, ctx: AdapterContext<C, S>): Promise<Response>;
  /**
   * Looks up what the provider knows about a sender whose webhooks carry only an id (Messenger PSID, Instagram
   * IGSID) through `ctx.fetch`. The server calls it (from a durable job, after the message is stored) for a contact
   * it created without a name, and fills the name if it is still empty. Null: nothing known. Throws ChannelError
   * (transient: retried later). Absent: webhooks carry the name already.
   */
  fetchProfile?(identity: NormalizedIdentity, ctx: AdapterContext<C, S>): Promise<ContactProfile | null>;
  /**
   * Registers the inbox with the provider (Telegram: `setWebhook` to `ctx.webhookUrl` with its secret, or
   * `deleteWebhook` for long polling). Called after the connection test passed, before a new inbox is saved and
   * before changed credentials or settings are saved: not ok → nothing is saved (400 `connection_failed`).
   * Must be idempotent. Absent: nothing to register.
   */
  connect?(ctx: AdapterContext<C, S>): Promise<ConnectionCheck>;
  /**
   * Undoes `connect` when the inbox is deleted (Telegram: `deleteWebhook`). Never throws; a failure is reported
   * (and logged by the server) but does not keep the inbox from being deleted.
   */
  disconnect?(ctx: AdapterContext<C, S>): Promise<ConnectionCheck>;
  /** Throws ChannelError: transient=true for retryable (5xx, 429, 408, network), false for permanent (other 4xx, invalid recipient). */
  send(msg: OutboundMessage, ctx: AdapterContext<C, S>): Promise<SendResult>;
}

/** Codes used by the shipped adapters and helpers; adapters may add their own. */
export type ChannelErrorCode =
  | 'malformed_payload'
  | 'not_configured'
  | 'network_error'
  | 'timeout'
  | 'rate_limited'
  | 'provider_error'
  | 'unauthorized'
  | 'rejected'
  | 'invalid_recipient';

export class ChannelError extends Error {
  readonly code: string;
  /** True when retrying later may succeed (5xx, 429, 408, network, timeout). */
  readonly transient: boolean;
  /** HTTP status the provider answered with, if any. */
  readonly providerStatus?: number;
  /** How long the provider asked us to wait before retrying (Retry-After, Telegram's retry_after), if it said. */
  readonly retryAfterMs?: number;

  constructor(
    code: ChannelErrorCode | (string & {}),
    message: string,
    opts: { transient?: boolean; providerStatus?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ChannelError';
    this.code = code;
    this.transient = opts.transient ?? false;
    if (opts.providerStatus !== undefined) this.providerStatus = opts.providerStatus;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

export function isChannelError(err: unknown): err is ChannelError {
  return err instanceof ChannelError;
}
