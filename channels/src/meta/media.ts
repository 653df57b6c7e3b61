/** Files in and out of the Meta channels: names and types, WhatsApp media ids, uploads. */
import { ChannelError } from '../contract.ts';
import { fetchWithTimeout } from '../util/http.ts';
import { graphCall, graphRoot, isGraphUrl, type MetaContext } from './graph.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
};

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMimeType(mime: string | undefined): string {
  return (mime ?? '').split(';')[0]?.trim().toLowerCase() || 'application/octet-stream';
}

export function extensionFor(mime: string): string {
  return EXTENSIONS[baseMimeType(mime)] ?? 'bin';
}

/** The type a file name suggests (`photo.PNG` → image/png), else `fallback`. */
export function mimeTypeForName(name: string, fallback: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase();
  const hit = Object.entries(EXTENSIONS).find(([, e]) => e === ext || (ext === 'jpeg' && e === 'jpg'));
  return hit?.[0] ?? fallback;
}

/** The last path segment of a CDN URL (`…/123_n.jpg?stp=…` → `123_n.jpg`), or null. */
export function fileNameOfUrl(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last && /\.[a-z0-9]{1,5}$/i.test(last) ? decodeURIComponent(last).slice(0, 200) : null;
  } catch {
    return null;
  }
}

const unreadable = (message: string) => new ChannelError('provider_error', message, { transient: false });

/** Where a WhatsApp media id is described (`GET /{version}/{media-id}` → `{ url, mime_type, … }`). */
export function mediaInfoUrl(ctx: MetaContext, mediaId: string): string {
  return `${graphRoot(ctx.settings)}/${encodeURIComponent(mediaId)}`;
}

/**
 * Downloads an inbound file. Graph media URLs (WhatsApp media ids) are resolved with the access token, then the
 * file is fetched with the same token (Meta requires it). Other URLs (Messenger/Instagram CDN) are public and are
 * fetched without it: the token never leaves for hosts Graph did not name.
 */
export async function fetchMetaAttachment(url: string, ctx: MetaContext): Promise<Response> {
  if (!isGraphUrl(url, ctx.settings)) return fetchWithTimeout(ctx.fetch, url, { method: 'GET' }, { timeoutMs: 60_000 });
  const path = url.slice(graphRoot(ctx.settings).length + 1);
  const info = await graphCall<{ url?: unknown }>(ctx, { path });
  if (typeof info.url !== 'string' || !/^https?:\/\//.test(info.url)) throw unreadable(`Meta described media ${path} without a download URL`);
  return fetchWithTimeout(ctx.fetch, info.url, { method: 'GET', headers: { authorization: `Bearer ${ctx.credentials.accessToken}` } }, { timeoutMs: 60_000 });
}

export interface OutboundFile {
  name: string;
  contentType: string;
  content?: Uint8Array;
  url?: string;
}

export function fileBlob(file: OutboundFile & { content: Uint8Array }): Blob {
  return new Blob([new Uint8Array(file.content)], { type: baseMimeType(file.contentType) });
}

const UPLOAD_TIMEOUT_MS = 60_000;

/** WhatsApp: `POST /{phone-number-id}/media` (multipart) → the media id to send. */
export async function uploadWhatsAppMedia(ctx: MetaContext & { credentials: { phoneNumberId: string } }, file: OutboundFile & { content: Uint8Array }): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', baseMimeType(file.contentType));
  form.set('file', fileBlob(file), file.name);
  const res = await graphCall<{ id?: unknown }>(ctx, { path: `${ctx.credentials.phoneNumberId}/media`, form, timeoutMs: UPLOAD_TIMEOUT_MS });
  if (typeof res.id !== 'string') throw unreadable('Meta accepted the upload without a media id');
  return res.id;
}

/** Messenger/Instagram attachment type of a MIME type. */
export function messagingAttachmentType(mime: string): 'image' | 'video' | 'audio' | 'file' {
  const base = baseMimeType(mime);
  if (base.startsWith('image/')) return 'image';
  if (base.startsWith('video/')) return 'video';
  if (base.startsWith('audio/')) return 'audio';
  return 'file';
}

/** Messenger/Instagram: `POST /me/message_attachments` (multipart) → the attachment id to send. */
export async function uploadMessagingAttachment(ctx: MetaContext, file: OutboundFile & { content: Uint8Array }, platform?: 'instagram'): Promise<string> {
  const form = new FormData();
  if (platform) form.set('platform', platform);
  form.set('message', JSON.stringify({ attachment: { type: messagingAttachmentType(file.contentType), payload: { is_reusable: false } } }));
  form.set('filedata', fileBlob(file), file.name);
  const res = await graphCall<{ attachment_id?: unknown }>(ctx, { path: 'me/message_attachments', form, timeoutMs: UPLOAD_TIMEOUT_MS });
  if (typeof res.attachment_id !== 'string') throw unreadable('Meta accepted the upload without an attachment_id');
  return res.attachment_id;
}
