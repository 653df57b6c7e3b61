import { createHmac, hkdfSync } from 'node:crypto';
import { safeEqual } from '../lib/crypto.ts';

export const MEDIA_LINK_TTL_MS = 24 * 3600_000;

/**
 * Signed, expiring public URLs of stored attachments, for providers that fetch the files of a message they send
 * (Twilio's MediaUrl): `{PUBLIC_URL}/media/{id}/{name}?expires=<unix s>&signature=<HMAC-SHA256>`. Only a link this
 * server signed, before it expires, opens the file; the key is derived from SWITCHBOARD_SECRET.
 */
export class MediaLinks {
  readonly #key: Buffer;
  readonly #publicUrl: string;
  readonly #ttlMs: number;

  constructor(secret: string, publicUrl: string, ttlMs = MEDIA_LINK_TTL_MS) {
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'switchboard', 'public-media-links', 32));
    this.#publicUrl = publicUrl;
    this.#ttlMs = ttlMs;
  }

  #sign(id: string, expires: number): string {
    return createHmac('sha256', this.#key).update(`${id}.${expires}`).digest('base64url');
  }

  url(attachment: { id: string; name: string }, now = Date.now()): string {
    const expires = Math.floor((now + this.#ttlMs) / 1000);
    return `${this.#publicUrl}/media/${attachment.id}/${encodeURIComponent(attachment.name)}?expires=${expires}&signature=${this.#sign(attachment.id, expires)}`;
  }

  verify(id: string, expires: string | undefined, signature: string | undefined, now = Date.now()): boolean {
    const at = Number(expires);
    if (!signature || !Number.isSafeInteger(at) || at * 1000 < now) return false;
    return safeEqual(signature, this.#sign(id, at));
  }
}
