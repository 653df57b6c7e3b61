import { describe, expect, it } from 'vitest';
import { attachmentView, checkFiles, formatBytes, limitsFor, toBase64 } from './attachments.ts';

const limits = { attachmentMaxBytes: 1000, messageAttachmentsMaxBytes: 2500, messageAttachmentsMaxCount: 3 };
const f = (name: string, size: number) => ({ name, size });

describe('composer files', () => {
  it("takes a reply's lower limits on a channel that has them, and the general ones for a note", () => {
    const withSms = { ...limits, channels: { sms: { attachmentMaxBytes: 500, messageAttachmentsMaxBytes: 500, messageAttachmentsMaxCount: 3 } } };
    expect(limitsFor(withSms, 'sms')).toMatchObject({ attachmentMaxBytes: 500, messageAttachmentsMaxBytes: 500 });
    expect(limitsFor(withSms, 'email')).toBe(withSms);
    expect(limitsFor(withSms, null)).toBe(withSms);
    expect(checkFiles([], [f('photo', 600)], limitsFor(withSms, 'sms')).refused).toEqual([{ name: 'photo', reason: 'file', size: 600, limit: 500 }]);
  });

  it('accepts files within the limits, a file exactly at the limit included', () => {
    expect(checkFiles([], [f('a', 1000), f('b', 1)], limits)).toEqual({ accepted: [f('a', 1000), f('b', 1)], refused: [] });
  });

  it('refuses a file over the per-file limit, keeping the others', () => {
    expect(checkFiles([], [f('big', 1001), f('ok', 10)], limits)).toEqual({
      accepted: [f('ok', 10)],
      refused: [{ name: 'big', reason: 'file', size: 1001, limit: 1000 }],
    });
  });

  it('refuses files past the total and the count, counting those already chosen', () => {
    const chosen = [f('x', 900), f('y', 900)];
    expect(checkFiles(chosen, [f('z', 800), f('w', 100), f('v', 1)], limits)).toEqual({
      accepted: [f('w', 100)],
      refused: [
        { name: 'z', reason: 'total', size: 800, limit: 2500 },
        { name: 'v', reason: 'count', limit: 3 },
      ],
    });
  });

  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(25 * 1024 * 1024)).toBe('26.2 MB');
    expect(formatBytes(150_000_000)).toBe('150 MB');
    expect(formatBytes(1536, 'de')).toBe('1,5 kB');
  });

  it('base64-encodes the bytes of a file, large ones too', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 7) % 256);
    expect(await toBase64(new Blob([bytes]))).toBe(Buffer.from(bytes).toString('base64'));
    expect(await toBase64(new Blob([]))).toBe('');
  });
});

describe('timeline attachments', () => {
  const a = (over: { contentType?: string; error?: string | null; url?: string }) => ({ contentType: 'application/pdf', error: null, url: '/api/attachments/1', ...over });
  it('shows files over the size limit as not stored, failed downloads as unavailable', () => {
    expect(attachmentView(a({ error: 'too_large: 31457280 bytes, over the limit of 26214400 bytes' }))).toBe('too-large');
    expect(attachmentView(a({ contentType: 'image/png', error: 'too_large: 5 bytes, over the limit of 4 bytes' }))).toBe('too-large');
    expect(attachmentView(a({ error: 'download failed: HTTP 404' }))).toBe('unavailable');
  });
  it('previews images, downloads other files; a local send has nothing to fetch yet', () => {
    expect(attachmentView(a({ contentType: 'image/jpeg' }))).toBe('image');
    expect(attachmentView(a({}))).toBe('file');
    expect(attachmentView(a({ url: '' }))).toBe('pending');
  });
});
