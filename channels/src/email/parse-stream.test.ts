import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChannelError, type InboundMessage, type ParsedInbound } from '../contract.ts';
import { memorySink } from '../testing/memory-sink.ts';
import { emailTestContext, listFixtures, mailWithInlineImageAndFile, readFixture, TEST_PNG } from './fixtures.ts';
import { parseEmail } from './parse.ts';
import { parseEmailStream } from './parse-stream.ts';

const ctx = emailTestContext();
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The bytes as a stream of `size`-byte chunks (chunk borders fall anywhere: inside headers, base64 lines…). */
function streamOf(raw: Uint8Array, size = 997): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < raw.byteLength; i += size) chunks.push(Buffer.from(raw.subarray(i, i + size)));
  return Readable.from(chunks, { objectMode: false });
}


/** A mail with html referring to an inline image, the image, and a binary file of `fileBytes`. */
const mailWithFile = (file: Buffer, o: { messageId?: string | null } = {}): Uint8Array =>
  mailWithInlineImageAndFile({
    subject: 'The logs',
    text: 'Logs attached.',
    file: { name: 'logs.bin', contentType: 'application/octet-stream', bytes: file },
    messageId: o.messageId === undefined ? '<big-1@example.com>' : o.messageId,
  });

const only = (parsed: ParsedInbound): InboundMessage => {
  const [m] = parsed.messages;
  if (!m) throw new Error('no message parsed');
  return m;
};

/** The message without what legitimately differs between the paths (bytes in memory vs. refs into the sink). */
function comparable(parsed: ParsedInbound, bytesOf: (a: InboundMessage['attachments'][number]) => Uint8Array | undefined) {
  return {
    statuses: parsed.statuses,
    messages: parsed.messages.map((m) => ({
      ...m,
      attachments: m.attachments.map(({ content: _c, storedRef: _r, ...a }) => {
        const bytes = bytesOf({ content: _c, storedRef: _r, ...a } as InboundMessage['attachments'][number]);
        return { ...a, sha256: bytes ? sha256(bytes) : null };
      }),
    })),
  };
}

describe('parseEmailStream: same result as parseEmail', () => {
  const corpus = ['threading', 'charsets', 'xss'].flatMap((dir) => listFixtures(dir).map((f) => `${dir}/${f}`));

  it.each(corpus)('%s', async (file) => {
    const raw = readFixture(file);
    const inMemory = await parseEmail(raw, ctx);
    const mem = memorySink();
    const streamed = await parseEmailStream(streamOf(raw, 61), ctx, mem.sink);
    expect(comparable(streamed, (a) => (a.storedRef ? mem.files.get(a.storedRef)?.bytes : undefined))).toEqual(
      comparable(inMemory, (a) => a.content),
    );
  });

  it('keeps inline images (cid) and their html references', async () => {
    const mem = memorySink();
    const m = only(await parseEmailStream(streamOf(readFixture('xss/10-tracking-pixels.eml')), ctx, mem.sink));
    expect(m.html).toContain('src="cid:logo@acme.example"');
    const logo = m.attachments.find((a) => a.contentId === 'logo@acme.example');
    expect(logo?.storedRef).toBeDefined();
    expect(mem.files.get(logo?.storedRef ?? '')?.info).toMatchObject({ contentType: 'image/png', contentId: 'logo@acme.example' });
  });

  it('gives a mail without Message-ID the same id derived from its bytes', async () => {
    const raw = mailWithFile(randomBytes(3000), { messageId: null });
    const streamed = only(await parseEmailStream(streamOf(raw), ctx, memorySink().sink));
    expect(streamed.providerMessageId).toBe(only(await parseEmail(raw, ctx)).providerMessageId);
    expect(streamed.providerMessageId).toMatch(/^<[0-9a-f]{64}@switchboard\.invalid>$/);
  });
});

describe('parseEmailStream: attachments go to the sink while they are parsed', () => {
  it('streams a 6 MB file to the sink in many pieces, byte for byte', async () => {
    const file = randomBytes(6 * 1024 * 1024);
    const mem = memorySink();
    const m = only(await parseEmailStream(streamOf(mailWithFile(file), 64 * 1024), ctx, mem.sink));
    expect(m.text).toBe('Logs attached.');
    expect(m.attachments.map((a) => [a.name, a.contentType, a.size, a.contentId, a.content])).toEqual([
      ['shot.png', 'image/png', TEST_PNG.length, 'shot1@example.com', undefined],
      ['logs.bin', 'application/octet-stream', file.length, undefined, undefined],
    ]);
    const stored = mem.files.get(m.attachments[1]?.storedRef ?? '');
    expect(stored && sha256(stored.bytes)).toBe(sha256(file));
    // Handed over as it was decoded, not as one buffer at the end.
    expect(stored?.chunks).toBeGreaterThan(10);
  });

  it("records a file over the inbox's maxAttachmentBytes by name, type and size; text and the other files arrive", async () => {
    const small = emailTestContext({ settings: { maxAttachmentBytes: 4096 } });
    const mem = memorySink();
    const m = only(await parseEmailStream(streamOf(mailWithFile(randomBytes(50_000))), small, mem.sink));
    expect(m.text).toBe('Logs attached.');
    const [shot, logs] = m.attachments;
    expect(mem.files.get(shot?.storedRef ?? '')?.bytes.equals(TEST_PNG)).toBe(true);
    expect(logs).toEqual({ name: 'logs.bin', contentType: 'application/octet-stream', size: 50_000, error: 'too_large: 50000 bytes, over the limit of 4096 bytes' });
    // The sink was offered the file but kept nothing of it.
    expect(mem.calls.map((c) => c.name)).toEqual(['shot.png', 'logs.bin']);
    expect([...mem.files.values()].map((f) => f.info.name)).toEqual(['shot.png']);
    expect((m.metadata.email as Record<string, unknown>).droppedAttachments).toEqual([{ name: 'logs.bin', contentType: 'application/octet-stream', size: 50_000 }]);
  });

  it("records a file the sink refuses as over the storage limit (the server's own limit)", async () => {
    const mem = memorySink({ limit: 10_000 });
    const m = only(await parseEmailStream(streamOf(mailWithFile(randomBytes(30_000))), ctx, mem.sink));
    expect(m.attachments[1]).toEqual({ name: 'logs.bin', contentType: 'application/octet-stream', size: 30_000, error: 'too_large: 30000 bytes, over the limit of 10000 bytes' });
    expect(m.attachments[0]?.storedRef).toBeDefined();
  });

  it("fails with the sink's own error when storage fails (not malformed: the mail is fine)", async () => {
    const diskFull = new Error('ENOSPC: no space left on device');
    const mem = memorySink({ fail: { name: 'logs.bin', error: diskFull } });
    const err = await parseEmailStream(streamOf(mailWithFile(randomBytes(200_000))), ctx, mem.sink).then(() => null, (e: unknown) => e);
    expect(err).toBe(diskFull);
  });

  it("fails with the source's own error when the mail's stream breaks off, and stops reading it", async () => {
    const raw = mailWithFile(randomBytes(500_000));
    const dropped = new Error('IMAP connection closed');
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent > 200_000) return this.destroy(dropped);
        this.push(Buffer.from(raw.subarray(sent, sent + 16_384)));
        sent += 16_384;
      },
    });
    const mem = memorySink();
    const err = await parseEmailStream(source, ctx, mem.sink).then(() => null, (e: unknown) => e);
    expect(err).toBe(dropped);
    expect(source.destroyed).toBe(true);
    expect([...mem.files.values()].map((f) => f.info.name)).not.toContain('logs.bin');
  });

  it('refuses what is not a mail with malformed_payload', async () => {
    for (const raw of ['', 'just some text\r\nno headers here', 'To: support@support.example\r\n\r\nx']) {
      const err = await parseEmailStream(streamOf(new TextEncoder().encode(raw)), ctx, memorySink().sink).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).code).toBe('malformed_payload');
    }
  });
});
