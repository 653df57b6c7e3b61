import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** A received message: its bytes in memory (small), or a temp file (large: read it as a stream). */
export type MailBody = { raw: Uint8Array; path?: undefined; dispose(): Promise<void> } | { raw?: undefined; path: string; dispose(): Promise<void> };

export class MailTooLarge extends Error {
  override name = 'MailTooLarge';
}

/**
 * Reads an SMTP DATA stream: kept in memory up to `memoryBytes`, spooled to a temp file beyond (memory stays flat
 * whatever the size). Past `maxBytes` (smtp-server's `sizeExceeded`) the rest is drained and MailTooLarge thrown.
 * The caller disposes of the body (deletes the file) once it is done with it.
 */
export async function readMailBody(stream: Readable & { sizeExceeded?: boolean }, memoryBytes: number): Promise<MailBody> {
  let chunks: Buffer[] = [];
  let size = 0;
  let spool: { dir: string; path: string; file: WriteStream } | undefined;
  const dispose = async () => {
    spool?.file.destroy();
    if (spool) await rm(spool.dir, { recursive: true, force: true });
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (stream.sizeExceeded) continue; // drained; the sender is told 552 at the end
      size += chunk.length;
      if (!spool && size <= memoryBytes) {
        chunks.push(chunk);
        continue;
      }
      if (!spool) {
        const dir = await mkdtemp(join(tmpdir(), 'sb-mail-'));
        const path = join(dir, 'message.eml');
        spool = { dir, path, file: createWriteStream(path) };
        for (const c of chunks) spool.file.write(c);
        chunks = [];
      }
      if (!spool.file.write(chunk)) await once(spool.file, 'drain');
    }
    if (stream.sizeExceeded) throw new MailTooLarge('Message exceeds the size limit');
    if (!spool) return { raw: Buffer.concat(chunks), dispose: async () => {} };
    spool.file.end();
    await finished(spool.file);
    return { path: spool.path, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
