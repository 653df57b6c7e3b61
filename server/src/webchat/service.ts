import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  CLIENT_ID,
  issueVisitorToken,
  normalizeEmail,
  readUploadReceipt,
  readVisitorToken,
  signUploadReceipt,
  verifyFileSignature,
  verifyIdentityHash,
  VISITOR_HEADER,
  visitorIdentities,
  webchatCredentialsSchema,
  type VisitorClaims,
  type WidgetInbound,
} from '@switchboard/channels';
import type { MessageDto } from '../contracts/dto.ts';
import type { WidgetMessage, WidgetUpload, WidgetVisitor } from '../contracts/widget.ts';
import { trustedIdentities } from '../domain/contact-resolver.ts';
import { toMessageDto } from '../domain/mappers.ts';
import type { WebhookService } from '../domain/webhook-service.ts';
import type { AttachmentStore } from '../lib/attachment-store.ts';
import { AppError, notFound } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Store } from '../repositories/store.ts';
import { webchatRepo } from '../repositories/webchat.ts';
import { toWidgetMessage } from './dto.ts';
import { HandshakeRefused, widgetError } from './errors.ts';
import type { WebchatInbox, WebchatInboxes } from './inboxes.ts';
import { enforceLimits, HOUR, MINUTE } from './limits.ts';
import { markSeenByAgent, markStatus } from './receipts.ts';
import type { Actor } from '../domain/actor.ts';
import { requireAdmin } from '../domain/access.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import { rateLimitRepo } from '../repositories/sessions.ts';

/** An authenticated widget connection: the inbox, who the visitor is, their current token and address. */
export interface VisitorSession {
  inbox: WebchatInbox;
  claims: VisitorClaims;
  token: string;
  ip: string;
}

export interface WebchatDeps {
  store: Store;
  /** Opens sealed inbox credentials (the admin's embed endpoint shows the identity secret). */
  open: (sealed: string) => unknown;
  webhooks: WebhookService;
  inboxes: WebchatInboxes;
  files: AttachmentStore;
  publicUrl: string;
  log: Logger;
}

const HISTORY_PAGE = 50;
const UPLOAD_TTL_SECONDS = 3600;

const identitySchema = z.object({
  userId: z.string().trim().min(1).max(255),
  userHash: z.string().max(256),
  email: z.string().trim().max(320).optional(),
  emailHash: z.string().max(256).optional(),
  name: z.string().trim().max(255).optional(),
});

const sendSchema = z.object({
  clientId: z.string().regex(CLIENT_ID, 'clientId must be 8-64 characters of A-Z a-z 0-9 _ -'),
  text: z.string().max(1_000_000).default(''),
  uploads: z.array(z.string().max(4096)).max(10).default([]),
  pageUrl: z.string().max(2048).optional(),
});

const profileSchema = z.object({ name: z.string().trim().max(100).optional(), email: z.string().trim().max(320).optional() });

const newVisitorId = () => `v_${randomBytes(12).toString('base64url')}`;

/** `image/*` matches `image/png`; exact types match themselves (case-insensitive). */
export function typeAllowed(patterns: readonly string[], contentType: string): boolean {
  const t = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(t)) return false;
  return patterns.some((p) => p === t || (p.endsWith('/*') && t.startsWith(p.slice(0, -1))));
}

const httpUrl = (v: string | undefined): string | undefined => {
  if (!v) return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
};

/** What the pre-chat form still has to ask (a verified customer is never asked). */
export function missingPreChat(inbox: WebchatInbox, c: VisitorClaims): Array<'name' | 'email'> {
  const form = inbox.ctx.settings.preChatForm;
  if (!form.enabled || c.userId) return [];
  return [
    ...(form.name === 'required' && !c.name ? (['name'] as const) : []),
    ...(form.email === 'required' && !c.email && !c.claimedEmail ? (['email'] as const) : []),
  ];
}

/**
 * The visitor's side of the chat widget: sessions (signed tokens, identity verification), sending through the
 * one ingest path, history, receipts, uploads and downloads. Always scoped to the visitor's own contact and inbox.
 */
export class WebchatService {
  readonly #d: WebchatDeps;
  constructor(deps: WebchatDeps) {
    this.#d = deps;
  }

  get inboxes(): WebchatInboxes {
    return this.#d.inboxes;
  }

  /**
   * The visitor of a handshake: the token's visitor when it is valid and belongs to the same (or no) verified
   * user, else a new visitor (counted against the address's session limit). A site-provided identity must carry
   * a matching hash, or the handshake is refused and nothing is merged.
   */
  async openSession(inbox: WebchatInbox, auth: { token?: unknown; identity?: unknown }, ip: string): Promise<{ claims: VisitorClaims; token: string; created: boolean }> {
    const { secret } = inbox.ctx.credentials;
    const now = new Date();
    let verified: Pick<VisitorClaims, 'userId' | 'email' | 'name' | 'claimedEmail'> = {};
    if (auth.identity !== undefined && auth.identity !== null) {
      const id = identitySchema.safeParse(auth.identity);
      if (!id.success || !verifyIdentityHash(secret, id.data.userId, id.data.userHash)) {
        throw new HandshakeRefused('invalid_identity', 'The identity could not be verified: userHash must be HMAC-SHA256(identity secret, userId)');
      }
      const email = id.data.email ? normalizeEmail(id.data.email) : null;
      if (id.data.emailHash !== undefined && (!email || !verifyIdentityHash(secret, email, id.data.emailHash))) {
        throw new HandshakeRefused('invalid_identity', 'The email could not be verified: emailHash must be HMAC-SHA256(identity secret, lower-cased email)');
      }
      verified = {
        userId: id.data.userId,
        ...(email && id.data.emailHash !== undefined ? { email } : email ? { claimedEmail: email } : {}),
        ...(id.data.name ? { name: id.data.name } : {}),
      };
    }
    const existing = readVisitorToken(secret, auth.token, inbox.id, now);
    const issuedAt = Math.floor(now.getTime() / 1000);
    if (existing && (existing.userId ?? null) === (verified.userId ?? null)) {
      const claims: VisitorClaims = { ...existing, ...verified, issuedAt };
      return { claims, token: issueVisitorToken(secret, claims), created: false };
    }
    const limits = inbox.ctx.settings.limits;
    await enforceLimits(this.#d.store.prisma, [{ key: `wc:session:ip:${inbox.id}:${ip}`, windowMs: HOUR, max: limits.sessionsPerHourPerIp }], 'new chat sessions from this address');
    const claims: VisitorClaims = { inboxId: inbox.id, visitorId: newVisitorId(), issuedAt, ...verified };
    return { claims, token: issueVisitorToken(secret, claims), created: true };
  }

  /** A message of the visitor's conversation as their widget shows it. */
  widgetMessage(m: MessageDto, inbox: WebchatInbox): WidgetMessage {
    return toWidgetMessage(m, inbox);
  }

  visitorOf(c: VisitorClaims): WidgetVisitor {
    return { name: c.name ?? null, email: c.email ?? c.claimedEmail ?? null, verified: c.userId !== undefined };
  }

  /** The visitor's contact, once they have one: the first of their proven identities the workspace knows. */
  async contactOf(s: Pick<VisitorSession, 'inbox' | 'claims'>): Promise<string | null> {
    const trusted = trustedIdentities({ identities: visitorIdentities(s.claims) });
    const rows = await contactsRepo.findIdentities(this.#d.store.prisma, s.inbox.workspaceId, trusted);
    for (const i of trusted) {
      const row = rows.find((r) => r.kind === i.kind && r.address === i.address);
      if (row) return row.contactId;
    }
    return null;
  }

  /** The visitor's messages in this inbox, oldest first; `before` (a message id) pages back. */
  async history(s: Pick<VisitorSession, 'inbox'>, contactId: string | null, before?: string): Promise<{ messages: WidgetMessage[]; hasMore: boolean }> {
    if (!contactId) return { messages: [], hasMore: false };
    const db = this.#d.store.prisma;
    const { workspaceId, id: inboxId } = s.inbox;
    let cursor: { at: Date; id: string } | undefined;
    if (before !== undefined) {
      const m = await webchatRepo.ownMessage(db, workspaceId, inboxId, contactId, before);
      if (!m) return { messages: [], hasMore: false };
      cursor = { at: m.createdAt, id: m.id };
    }
    const rows = await webchatRepo.history(db, workspaceId, inboxId, contactId, HISTORY_PAGE + 1, cursor);
    const page = rows.slice(0, HISTORY_PAGE).reverse();
    return { messages: page.map((r) => toWidgetMessage(toMessageDto(r), s.inbox)), hasMore: rows.length > HISTORY_PAGE };
  }

  /** A visitor message: limits, then the one ingest path (the webhook service, with the visitor's token). */
  async send(s: VisitorSession, input: unknown): Promise<{ message: WidgetMessage; contactId: string; conversationId: string }> {
    const parsed = sendSchema.safeParse(input);
    if (!parsed.success) throw widgetError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid message');
    const { clientId, uploads } = parsed.data;
    const text = parsed.data.text.trim();
    const { settings, credentials } = s.inbox.ctx;
    if (text.length > settings.limits.maxTextLength) throw widgetError('payload_too_large', `Messages are limited to ${settings.limits.maxTextLength} characters`);
    if (!text && uploads.length === 0) throw widgetError('validation_failed', 'A message needs text or a file');
    const missing = missingPreChat(s.inbox, s.claims);
    if (missing.length) throw widgetError('prechat_required', `Please tell us your ${missing.join(' and ')} first`);
    await enforceLimits(
      this.#d.store.prisma,
      [
        { key: `wc:msg:v:${s.inbox.id}:${s.claims.visitorId}`, windowMs: MINUTE, max: settings.limits.messagesPerMinute },
        { key: `wc:msg:ip:${s.inbox.id}:${s.ip}`, windowMs: MINUTE, max: settings.limits.messagesPerMinutePerIp },
      ],
      'messages',
    );

    const now = new Date();
    const receipts = uploads.map((u) => readUploadReceipt(credentials.secret, u, s.claims.visitorId, now));
    if (receipts.some((r) => r === null)) throw widgetError('invalid_upload', 'A file upload is invalid or expired: upload it again');
    const files = receipts.flatMap((r) => (r ? [r] : []));
    let attachments: NonNullable<WidgetInbound['messages'][number]['attachments']>;
    try {
      attachments = await Promise.all(
        files.map(async (f) => ({ name: f.name, contentType: f.contentType, contentBase64: Buffer.from(await this.#d.files.read(f.key)).toString('base64') })),
      );
    } catch {
      // The files of a message that was stored already are gone: a resend after a lost acknowledgement.
      const stored = await messagesRepo.byProviderId(this.#d.store.prisma, s.inbox.id, `${s.claims.visitorId}:${clientId}`);
      if (!stored) throw widgetError('invalid_upload', 'A file upload is no longer available: upload it again');
      return { message: toWidgetMessage(toMessageDto(stored), s.inbox), contactId: stored.authorContactId ?? '', conversationId: stored.conversationId };
    }
    const pageUrl = httpUrl(parsed.data.pageUrl);
    const body: WidgetInbound = { messages: [{ id: clientId, text, attachments, ...(pageUrl && { pageUrl }) }] };
    const outcome = await this.#d.webhooks.handle('webchat', s.inbox.publicToken, {
      method: 'POST',
      url: `${this.#d.publicUrl}/widget`,
      headers: { 'content-type': 'application/json', [VISITOR_HEADER]: s.token },
      rawBody: JSON.stringify(body),
    });
    const result = outcome.results[0];
    if (!result || result.dropped) throw widgetError('unavailable', 'The message could not be stored');
    for (const f of files) this.#d.files.remove(f.key).catch((err: unknown) => this.#d.log.warn({ err }, 'could not remove an attached upload'));
    return {
      message: toWidgetMessage(toMessageDto(result.message), s.inbox),
      contactId: result.message.authorContactId ?? result.conversation.contactId,
      conversationId: result.conversation.id,
    };
  }

  /** The pre-chat form: name and email as unproven claims in a renewed token (a verified email stays). */
  setProfile(s: VisitorSession, input: unknown): { claims: VisitorClaims; token: string; visitor: WidgetVisitor } {
    const parsed = profileSchema.safeParse(input);
    if (!parsed.success) throw widgetError('validation_failed', parsed.error.issues[0]?.message ?? 'Invalid details');
    const { name, email } = parsed.data;
    const normalized = email ? normalizeEmail(email) : null;
    if (email && !normalized) throw widgetError('validation_failed', 'Please enter a valid email address');
    const claims: VisitorClaims = {
      ...s.claims,
      ...(name ? { name } : {}),
      ...(normalized && normalized !== s.claims.email ? { claimedEmail: normalized } : {}),
      issuedAt: Math.floor(Date.now() / 1000),
    };
    return { claims, token: issueVisitorToken(s.inbox.ctx.credentials.secret, claims), visitor: this.visitorOf(claims) };
  }

  /** Agent replies the visitor's widget received or showed: statuses move forward only. */
  async ack(s: Pick<VisitorSession, 'inbox'>, contactId: string, ids: unknown, status: unknown): Promise<number> {
    if (!Array.isArray(ids) || ids.length === 0 || (status !== 'delivered' && status !== 'read')) return 0;
    const { workspaceId, id: inboxId } = s.inbox;
    return this.#d.store.transaction(async (tx) => {
      const rows = await webchatRepo.lockOwned(tx, { workspaceId, inboxId, contactId, ids: ids.slice(0, 200) as string[], direction: 'out' });
      return markStatus(tx, { kind: 'contact', workspaceId, contactId }, rows, status);
    });
  }

  /** A file for the visitor's next message: type, size and rate limits, then stored until attached. */
  async upload(publicToken: string, visitorToken: string | undefined, ip: string, file: { name: string; contentType: string; bytes: Uint8Array }): Promise<WidgetUpload> {
    const inbox = await this.#d.inboxes.byToken(publicToken);
    if (!inbox) throw notFound('Inbox');
    const { secret } = inbox.ctx.credentials;
    const claims = readVisitorToken(secret, visitorToken, inbox.id, new Date());
    if (!claims) throw new AppError('unauthenticated', 'A valid visitor token is required');
    const { attachments, limits } = inbox.ctx.settings;
    if (!attachments.enabled) throw widgetError('validation_failed', 'File uploads are turned off for this chat');
    const contentType = file.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!typeAllowed(attachments.types, contentType)) throw widgetError('validation_failed', `Files of type ${contentType || 'unknown'} are not accepted here`);
    if (file.bytes.byteLength > attachments.maxBytes) throw widgetError('payload_too_large', `Files are limited to ${attachments.maxBytes} bytes`);
    if (file.bytes.byteLength === 0) throw widgetError('validation_failed', 'The file is empty');
    await enforceLimits(
      this.#d.store.prisma,
      [
        { key: `wc:upload:v:${inbox.id}:${claims.visitorId}`, windowMs: HOUR, max: limits.uploadsPerHour },
        { key: `wc:upload:ip:${inbox.id}:${ip}`, windowMs: HOUR, max: limits.uploadsPerHourPerIp },
      ],
      'uploads',
    );
    const name = [...file.name].map((ch) => (ch === '/' || ch === '\\' || ch.charCodeAt(0) < 32 ? '_' : ch)).join('').trim().slice(0, 255) || 'file';
    const key = this.#d.files.newKey(inbox.workspaceId);
    const size = await this.#d.files.put(key, file.bytes);
    const upload = signUploadReceipt(secret, { key, name, contentType, size, visitorId: claims.visitorId, expiresAt: Math.floor(Date.now() / 1000) + UPLOAD_TTL_SECONDS });
    return { upload, name, contentType, size };
  }

  /** Housekeeping: rate-limit windows that ended over an hour ago. */
  async purgeRateLimits(): Promise<void> {
    await rateLimitRepo.purgeExpired(this.#d.store.prisma, HOUR);
  }

  /** What an admin pastes into their site, and the identity secret their backend signs with. */
  async embed(actor: Actor, inboxId: string): Promise<{ scriptUrl: string; embedCode: string; identitySecret: string }> {
    requireAdmin(actor);
    const row = await inboxesRepo.get(this.#d.store.prisma, actor.workspaceId, inboxId);
    if (!row || row.kind !== 'webchat') throw notFound('Webchat inbox');
    const credentials = webchatCredentialsSchema.parse(row.credentials ? this.#d.open(row.credentials) : {});
    const scriptUrl = `${this.#d.publicUrl}/widget.js`;
    return { scriptUrl, embedCode: `<script src="${scriptUrl}" data-inbox="${row.publicToken}" async></script>`, identitySecret: credentials.secret };
  }

  /** An agent opened a conversation: its customer messages are seen (the visitor's widget says so). */
  seen(actor: Actor, conversationId: string): Promise<number> {
    return markSeenByAgent(this.#d.store, actor, conversationId);
  }

  /** A file of a visitor's conversation, by its signed link. */
  async openFile(publicToken: string, attachmentId: string, signature: unknown) {
    const inbox = await this.#d.inboxes.byToken(publicToken);
    if (!inbox || !verifyFileSignature(inbox.ctx.credentials.secret, attachmentId, signature)) throw notFound('File');
    const a = await webchatRepo.attachmentInInbox(this.#d.store.prisma, inbox.workspaceId, inbox.id, attachmentId);
    if (!a) throw notFound('File');
    if (!a.storageKey) throw new AppError('conflict', 'The file is not available yet');
    return { ...(await this.#d.files.open(a.storageKey)), name: a.name, contentType: a.contentType };
  }
}
