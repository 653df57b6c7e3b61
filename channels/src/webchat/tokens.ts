/**
 * Signed values of the chat widget, all keyed by the inbox's secret (so rotating the secret ends every
 * visitor session) and separated by purpose (a value signed for one purpose never passes as another):
 * - the visitor token the widget keeps in localStorage (who the visitor is, across page loads and tabs);
 * - identity hashes a site's backend computes for logged-in customers (`HMAC-SHA256(secret, userId)`);
 * - upload receipts (a file the visitor uploaded, to attach to their next message);
 * - download signatures for the files of a visitor's conversation.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hmacSha256Hex, verifyHmacSha256Hex } from '../util/hmac.ts';

/** Who a widget session is. Everything but `visitorId` is optional. */
export interface VisitorClaims {
  inboxId: string;
  /** Random per browser (localStorage), minted by the server. */
  visitorId: string;
  /** Proven by the site's identity hash. */
  userId?: string;
  /** Proven by the site's email hash. */
  email?: string;
  /** Typed into the pre-chat form: unproven claims. */
  name?: string;
  claimedEmail?: string;
  /** Seconds since the epoch. */
  issuedAt: number;
}

interface Packed {
  i: string;
  v: string;
  u?: string;
  e?: string;
  n?: string;
  m?: string;
  t: number;
}

/** Visitor tokens older than this are refused (the server renews the token on every connect). */
export const VISITOR_TOKEN_MAX_AGE_SECONDS = 180 * 86_400;

function mac(secret: string, purpose: string, payload: string): string {
  return createHmac('sha256', secret).update(`${purpose}\n${payload}`).digest('base64url');
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sign(secret: string, purpose: string, value: object): string {
  const payload = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${payload}.${mac(secret, purpose, payload)}`;
}

function open(secret: string, purpose: string, token: unknown): unknown {
  if (typeof token !== 'string' || token.length > 4096 || !secret) return null;
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  const payload = token.slice(0, dot);
  if (!sameMac(token.slice(dot + 1), mac(secret, purpose, payload))) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function issueVisitorToken(secret: string, claims: VisitorClaims): string {
  const packed: Packed = { i: claims.inboxId, v: claims.visitorId, t: claims.issuedAt };
  if (claims.userId) packed.u = claims.userId;
  if (claims.email) packed.e = claims.email;
  if (claims.name) packed.n = claims.name;
  if (claims.claimedEmail) packed.m = claims.claimedEmail;
  return sign(secret, 'visitor.v1', packed);
}

/** The claims of a valid, unexpired token of this inbox; null for anything else. */
export function readVisitorToken(secret: string, token: unknown, inboxId: string, now: Date): VisitorClaims | null {
  const p = open(secret, 'visitor.v1', token) as Partial<Packed> | null;
  if (!p || p.i !== inboxId || !str(p.v) || typeof p.t !== 'number') return null;
  const age = now.getTime() / 1000 - p.t;
  if (age > VISITOR_TOKEN_MAX_AGE_SECONDS || age < -300) return null;
  return {
    inboxId: p.i,
    visitorId: p.v,
    issuedAt: p.t,
    ...(str(p.u) && { userId: p.u }),
    ...(str(p.e) && { email: p.e }),
    ...(str(p.n) && { name: p.n }),
    ...(str(p.m) && { claimedEmail: p.m }),
  };
}

/** What a site's backend computes for a logged-in customer: lower-case hex `HMAC-SHA256(secret, value)`. */
export function identityHash(secret: string, value: string): string {
  return hmacSha256Hex(secret, value);
}

/** Constant-time check of an identity hash (hex, any case). */
export function verifyIdentityHash(secret: string, value: string, hash: unknown): boolean {
  return typeof hash === 'string' && value.length > 0 && verifyHmacSha256Hex(secret, value, hash);
}

/** A file a visitor uploaded, waiting to be attached to their next message. */
export interface UploadReceipt {
  /** Where the bytes are (the server's attachment storage key). */
  key: string;
  name: string;
  contentType: string;
  size: number;
  /** The uploader: only they may attach it. */
  visitorId: string;
  /** Seconds since the epoch after which it may no longer be attached. */
  expiresAt: number;
}

export function signUploadReceipt(secret: string, r: UploadReceipt): string {
  return sign(secret, 'upload.v1', { k: r.key, n: r.name, c: r.contentType, s: r.size, v: r.visitorId, x: r.expiresAt });
}

/** The receipt if it is valid, unexpired and the visitor's own; else null. */
export function readUploadReceipt(secret: string, token: unknown, visitorId: string, now: Date): UploadReceipt | null {
  const p = open(secret, 'upload.v1', token) as { k?: unknown; n?: unknown; c?: unknown; s?: unknown; v?: unknown; x?: unknown } | null;
  if (!p || !str(p.k) || !str(p.n) || !str(p.c) || typeof p.s !== 'number' || p.v !== visitorId || typeof p.x !== 'number') return null;
  if (p.x < now.getTime() / 1000) return null;
  return { key: p.k, name: p.n, contentType: p.c, size: p.s, visitorId, expiresAt: p.x };
}

/** Signature of a download link for one attachment of a visitor's conversation. */
export function fileSignature(secret: string, attachmentId: string): string {
  return mac(secret, 'file.v1', attachmentId);
}

export function verifyFileSignature(secret: string, attachmentId: string, signature: unknown): boolean {
  return typeof signature === 'string' && sameMac(signature, fileSignature(secret, attachmentId));
}
