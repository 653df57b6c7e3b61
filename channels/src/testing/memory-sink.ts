import type { Readable } from 'node:stream';
import type { AttachmentFileInfo, AttachmentSink, StoredFile } from '../contract.ts';

export interface MemorySink {
  sink: AttachmentSink;
  /** Stored files by ref, in the order the sink was called. */
  files: Map<string, { info: AttachmentFileInfo; bytes: Buffer; chunks: number }>;
  /** Every call, including the ones that failed or were cut off. */
  calls: AttachmentFileInfo[];
}

/**
 * An AttachmentSink that keeps files in memory (tests of streamed parsing). Like the server's, it reads the
 * stream to its end and fails when the stream fails. `limit`: answers `{ tooLarge }` above it (the server's
 * storage limit); `fail`: rejects with this error for the file named so (a full disk).
 */
export function memorySink(opts: { limit?: number; fail?: { name: string; error: Error } } = {}): MemorySink {
  const files: MemorySink['files'] = new Map();
  const calls: AttachmentFileInfo[] = [];
  const sink = async (info: AttachmentFileInfo, content: Readable): Promise<StoredFile> => {
    calls.push(info);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of content as AsyncIterable<Buffer>) {
      if (opts.fail?.name === info.name) {
        content.destroy();
        throw opts.fail.error;
      }
      size += chunk.length;
      if (opts.limit !== undefined && size > opts.limit) {
        content.destroy();
        return { tooLarge: true, limit: opts.limit };
      }
      chunks.push(chunk);
    }
    const ref = `mem-${calls.length}`;
    files.set(ref, { info, bytes: Buffer.concat(chunks), chunks: chunks.length });
    return { ref, size };
  };
  return { sink, files, calls };
}
