// Files in the composer and in the timeline. The limits come from the server (GET /api/session `limits`):
// a file is refused here, before anything is sent, by the same rules the server enforces with 413.
import type { AttachmentDto, ComposeLimitsDto } from '@switchboard/server/contracts';

export interface FileLike {
  name: string;
  size: number;
}

export type Refusal =
  | { name: string; reason: 'file'; size: number; limit: number }
  | { name: string; reason: 'total'; size: number; limit: number }
  | { name: string; reason: 'count'; limit: number };

/** The limits of a reply on `channel` (lower where its provider takes less), or of a note (`channel` null). */
export function limitsFor(limits: ComposeLimitsDto, channel: string | null): ComposeLimitsDto {
  const own = channel ? limits.channels?.[channel as keyof NonNullable<ComposeLimitsDto['channels']>] : undefined;
  return own ? { ...own, channels: limits.channels } : limits;
}

/** Which of `incoming` may join `chosen`, in order; the others with the limit each one breaks. */
export function checkFiles<F extends FileLike>(chosen: readonly FileLike[], incoming: readonly F[], limits: ComposeLimitsDto): { accepted: F[]; refused: Refusal[] } {
  const accepted: F[] = [];
  const refused: Refusal[] = [];
  let count = chosen.length;
  let total = chosen.reduce((n, f) => n + f.size, 0);
  for (const f of incoming) {
    if (f.size > limits.attachmentMaxBytes) refused.push({ name: f.name, reason: 'file', size: f.size, limit: limits.attachmentMaxBytes });
    else if (count >= limits.messageAttachmentsMaxCount) refused.push({ name: f.name, reason: 'count', limit: limits.messageAttachmentsMaxCount });
    else if (total + f.size > limits.messageAttachmentsMaxBytes) refused.push({ name: f.name, reason: 'total', size: f.size, limit: limits.messageAttachmentsMaxBytes });
    else {
      accepted.push(f);
      count++;
      total += f.size;
    }
  }
  return { accepted, refused };
}

/** 1536 → "1.5 kB", 25 MiB → "26.2 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number, locale = 'en'): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** The bytes of a file, base64-encoded (the reply endpoint's `contentBase64`). */
export async function toBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  // In slices: String.fromCharCode(...all) would overflow the stack for large files.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** How the timeline shows an attachment. */
export type AttachmentView = 'too-large' | 'unavailable' | 'pending' | 'image' | 'file';

export function attachmentView(a: Pick<AttachmentDto, 'contentType' | 'error' | 'url'>): AttachmentView {
  if (a.error?.startsWith('too_large')) return 'too-large';
  if (a.error) return 'unavailable';
  if (!a.url) return 'pending'; // a local send, not stored yet
  return a.contentType.startsWith('image/') ? 'image' : 'file';
}
