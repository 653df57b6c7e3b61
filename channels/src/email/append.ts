import { ImapFlow } from 'imapflow';
import type { ImapCredentials } from './schema.ts';
import { imapClientOptions } from './transport.ts';

/** APPENDs the exact sent bytes to the Sent folder, marked \Seen. Resolves with an error message instead of throwing. */
export async function appendToSentFolder(
  imap: ImapCredentials,
  folder: string,
  raw: Buffer,
  date: Date,
  timeoutMs?: number,
): Promise<{ ok: true } | { ok: false; error: string }> {
  const client = new ImapFlow(imapClientOptions(imap, timeoutMs));
  client.on('error', () => {
    // Reported through the awaited calls below; a late socket error must not crash the process.
  });
  try {
    await client.connect();
    await client.append(folder, raw, ['\\Seen'], date);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await client.logout().catch(() => client.close());
  }
}
