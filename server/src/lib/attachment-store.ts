import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class AttachmentTooLarge extends Error {
  override name = 'AttachmentTooLarge';
}

/** Attachment files on local disk under `<data dir>/attachments`, addressed by opaque keys. */
export class AttachmentStore {
  readonly root: string;
  readonly maxBytes: number;

  constructor(dataDir: string, maxBytes = 25 * 1024 * 1024) {
    this.root = resolve(dataDir, 'attachments');
    this.maxBytes = maxBytes;
  }

  newKey(workspaceId: string): string {
    const d = new Date();
    return `${workspaceId}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${randomUUID()}`;
  }

  #path(key: string): string {
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new Error('invalid attachment key');
    return p;
  }

  /**
   * Streams `body` to `key` (atomically: a temp file renamed into place); returns the byte count. Over
   * `maxBytes` it stops with AttachmentTooLarge and keeps nothing.
   */
  async put(key: string, body: Readable | Uint8Array): Promise<number> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.part-${randomUUID()}`;
    let size = 0;
    const limit = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit) cb(new AttachmentTooLarge(`too_large: over the limit of ${limit} bytes`));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(body instanceof Uint8Array ? Readable.from([Buffer.from(body)]) : body, counter, createWriteStream(tmp));
      await rename(tmp, path);
      return size;
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Deletes a file (gone already is fine). */
  async remove(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  async open(key: string): Promise<{ stream: Readable; size: number }> {
    const path = this.#path(key);
    const { size } = await stat(path);
    return { stream: createReadStream(path), size };
  }

  /** The whole file (outbound sends attach it). */
  async read(key: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.#path(key)));
  }

  pathOf(key: string): string {
    return join(this.#path(key));
  }

  /**
   * Every file last written before `before` whose key was made in `since`'s month or later (keys are
   * `<workspace>/<yyyy>/<mm>/<uuid>`: older months are not even listed), one directory at a time: its key, or `temp`
   * for the partial file of a write that never finished (a crash mid-put).
   */
  async *filesBefore(before: Date, since: Date): AsyncGenerator<{ key: string; temp: boolean }> {
    const fromMonth = `${since.getUTCFullYear()}/${String(since.getUTCMonth() + 1).padStart(2, '0')}`;
    // A directory `<workspace>/<yyyy>` or `<workspace>/<yyyy>/<mm>` entirely before `since`'s month is skipped.
    const tooOld = (parts: string[]) =>
      (parts.length === 2 && /^\d{4}$/.test(parts[1]!) && parts[1]! < fromMonth.slice(0, 4)) ||
      (parts.length === 3 && /^\d{4}$/.test(parts[1]!) && /^\d{2}$/.test(parts[2]!) && `${parts[1]}/${parts[2]}` < fromMonth);
    const dirs = [this.root];
    for (let dir = dirs.pop(); dir !== undefined; dir = dirs.pop()) {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // nothing stored yet, or removed meanwhile
        throw err;
      }
      for (const e of entries) {
        const path = join(dir, e.name);
        if (e.isDirectory()) {
          if (!tooOld(relative(this.root, path).split(sep))) dirs.push(path);
        } else if (e.isFile()) {
          const info = await stat(path).catch(() => null);
          if (!info || info.mtime >= before) continue;
          yield { key: relative(this.root, path).split(sep).join('/'), temp: e.name.includes('.part-') };
        }
      }
    }
  }
}
