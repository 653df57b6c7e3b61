/**
 * Streamed parsing of one mail (`parseStream`): the raw message is read once from a stream, and each
 * attachment's decoded bytes go to the server's sink while they are parsed, so a 40 MB mail with a 30 MB
 * attachment never sits in memory. Same result as `parseEmail` (both end in `inboundOf`), with `storedRef`
 * or `error` in place of `content`.
 */
import { createHash } from 'node:crypto';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { MailParser, type AttachmentStream, type HeaderValue, type MessageText } from 'mailparser';
import { attachmentTooLarge, type AttachmentFileInfo, type AttachmentSink, type ParsedInbound, type StoredFile } from '../contract.ts';
import { malformed } from '../util/errors.ts';
import { syntheticMessageIdOf } from './ids.ts';
import { inboundOf, PARSER_OPTIONS, partName, REPORT_PARTS, type EmailContext, type MailPart, type MailView } from './parse.ts';
import { DEFAULT_MAX_ATTACHMENT_BYTES } from './schema.ts';

/** Report parts (delivery status, quoted headers) are read into memory up to this much: bounce detection reads them. */
const REPORT_PART_BYTES = 256 * 1024;
/** Of an attached mail (message/rfc822), the head kept in memory besides storing it: a bounce quotes our Message-ID there. */
const QUOTED_HEAD_BYTES = 64 * 1024;

/** A failure that is not the mail's fault (the source or the sink failed): passed on as it is, never as malformed. */
class OutsideFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/** Parses one mail from `source`; attachments stream to `sink`. On failure `source` is destroyed. */
export async function parseEmailStream(source: Readable, ctx: EmailContext, sink: AttachmentSink): Promise<ParsedInbound> {
  const limit = ctx.settings.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const { mail, sha256, bytes } = await readMailStream(source, (part, index) => readPart(part, index, limit, sink));
  if (bytes === 0) throw malformed('Empty email');
  return inboundOf(mail, ctx, () => syntheticMessageIdOf(sha256));
}

/** Resolves once `stream` takes more input, or can never again (closed, failed). */
function writable(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    stream.on('drain', done).on('close', done).on('error', done);
  });
}

/**
 * Feeds `source` through mailparser (hashing the raw bytes for a mail without Message-ID) and collects what
 * `inboundOf` reads. `onPart` must read each attachment's content to its end.
 */
async function readMailStream(source: Readable, onPart: (part: AttachmentStream, index: number) => Promise<MailPart>) {
  const parser = new MailParser(PARSER_OPTIONS);
  const hash = createHash('sha256');
  let bytes = 0;
  // The first failure decides: the mail's (malformed) or the source's / sink's (passed on as it is).
  let cause: { outside: boolean; error: unknown } | undefined;
  // The attachment being read: a failure elsewhere must end its stream too, or its reader waits forever.
  let current: Readable | undefined;
  const fail = (outside: boolean, error: unknown) => {
    cause ??= { outside, error };
    parser.destroy();
    source.destroy();
    current?.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  parser.on('error', (err: unknown) => fail(false, err));

  const feeding = (async () => {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (parser.destroyed) return;
        hash.update(chunk);
        bytes += chunk.length;
        if (!parser.write(chunk)) await writable(parser);
      }
    } catch (err) {
      return fail(true, err);
    }
    parser.end();
  })();

  const parts: MailPart[] = [];
  let text: Partial<MessageText> = {};
  const reading = (async () => {
    try {
      for await (const data of parser as AsyncIterable<AttachmentStream | MessageText>) {
        if (data.type === 'text') {
          text = data;
          continue;
        }
        current = data.content;
        try {
          parts.push(await onPart(data, parts.length));
        } finally {
          current = undefined;
          data.release?.();
        }
      }
    } catch (err) {
      if (err instanceof OutsideFailure) fail(true, err.error);
      else fail(false, err);
    }
  })();

  await Promise.all([feeding, reading]);
  if (cause?.outside) throw cause.error;
  if (cause) throw malformed(`Unreadable email: ${cause.error instanceof Error ? cause.error.message : String(cause.error)}`, cause.error);

  const headers = parser.headers || new Map<string, HeaderValue>();
  const header = <T>(name: string) => headers.get(name) as T | undefined;
  const mail: MailView = {
    headerLines: parser.headerLines || [],
    from: header('from'),
    to: header('to'),
    cc: header('cc'),
    replyTo: header('reply-to'),
    subject: header('subject'),
    date: header('date'),
    messageId: header('message-id'),
    inReplyTo: header('in-reply-to'),
    references: header('references'),
    text: text.text,
    html: text.html ?? false,
    attachments: parts,
  };
  return { mail, sha256: hash.digest('hex'), bytes };
}

/** Reads `stream` to its end, keeping at most `max` bytes of its head. */
async function readHead(stream: Readable, max: number): Promise<{ head: Buffer; size: number }> {
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (size < max) kept.push(chunk.subarray(0, max - size));
    size += chunk.length;
  }
  return { head: Buffer.concat(kept), size };
}

async function readPart(a: AttachmentStream, index: number, limit: number, sink: AttachmentSink): Promise<MailPart> {
  const base = { contentType: a.contentType, filename: a.filename, cid: a.cid };
  const type = a.contentType.toLowerCase();
  if (REPORT_PARTS.has(type)) {
    // Never a file for the agent: only bounce detection reads it.
    const { head, size } = await readHead(a.content, REPORT_PART_BYTES);
    return { ...base, size, content: head };
  }
  const file: AttachmentFileInfo = { name: partName(base, index), contentType: a.contentType, ...(a.cid !== undefined && { contentId: a.cid }) };
  const r = await toSink(a.content, sink, file, limit, type === 'message/rfc822' ? QUOTED_HEAD_BYTES : 0);
  const head = r.head.length > 0 ? { content: r.head } : {};
  if (r.stored && !('tooLarge' in r.stored)) return { ...base, ...head, size: r.size, storedRef: r.stored.ref };
  const max = r.stored && 'tooLarge' in r.stored ? Math.min(limit, r.stored.limit) : limit;
  return { ...base, ...head, size: r.size, error: attachmentTooLarge(r.size, max) };
}

/**
 * Pumps one attachment into the sink with backpressure, counting its bytes. Over `limit` the sink's stream is
 * destroyed (it keeps nothing) and the rest is only counted, so the part is recorded with its real size and the
 * parse goes on. `stored` is undefined when the adapter stopped the file; a sink failure throws OutsideFailure.
 */
async function toSink(source: Readable, sink: AttachmentSink, file: AttachmentFileInfo, limit: number, headBytes: number) {
  const body = new PassThrough();
  body.on('error', () => {}); // destroyed with an error below when over the limit; the sink sees it
  let settled = false;
  const answer = sink(file, body).then(
    (stored) => ({ stored }),
    (error: unknown) => ({ error }),
  );
  void answer.then(() => (settled = true));
  let size = 0;
  let over = false;
  const head: Buffer[] = [];
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (size < headBytes) head.push(chunk.subarray(0, headBytes - size));
      size += chunk.length;
      if (over || settled || body.destroyed) continue; // only counting now
      if (size > limit) {
        over = true;
        body.destroy(new Error(attachmentTooLarge(size, limit)));
        continue;
      }
      if (!body.write(chunk)) await Promise.race([writable(body), answer]);
    }
  } catch (err) {
    // The mail's stream failed: the sink must not keep half a file.
    body.destroy(err instanceof Error ? err : new Error(String(err)));
    await answer;
    throw err;
  }
  if (!over && !settled) body.end();
  const result = await answer;
  if (over) return { size, head: Buffer.concat(head), stored: undefined };
  if ('error' in result) throw new OutsideFailure(result.error);
  return { size, head: Buffer.concat(head), stored: result.stored as StoredFile };
}
