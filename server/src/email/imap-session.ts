import type { Logger } from '../lib/logger.ts';
import { imapClient, type ImapTimeouts } from './imap-client.ts';
import type { MailIntake } from './mail-intake.ts';
import { syncPass, type PassOptions } from './sync-pass.ts';
import type { SyncProgress } from './sync-progress.ts';
import type { EmailInbox } from './types.ts';

export interface SessionOptions extends ImapTimeouts, PassOptions {
  pollIntervalMs: number;
}

export interface SessionDeps {
  inbox: EmailInbox;
  intake: MailIntake;
  progress: SyncProgress;
  log: Logger;
  opts: SessionOptions;
  signal: AbortSignal;
  /** Called once the first pass completed (the connection is healthy). */
  onHealthy(): void;
}

/**
 * One IMAP connection: select the folder, fetch what is new (in UID order, in batches), then IDLE
 * until new mail, the poll interval, a stop or a dropped connection. Resolves when stopped; rejects
 * on any connection, protocol or storage error (the caller reconnects with backoff).
 */
export async function runImapSession(d: SessionDeps): Promise<void> {
  const imap = d.inbox.credentials.imap;
  if (!imap) throw new Error('IMAP credentials missing');
  const client = imapClient(imap, d.opts);
  let closed = false;
  // Set by new mail, a dropped connection or a stop; `wake` ends the wait between passes.
  const news = { pending: false, wake: () => {} };
  const signal = () => {
    news.pending = true;
    news.wake();
  };
  // A stop while connecting (an unreachable host may take connectTimeoutMs) drops the attempt at once.
  const onAbort = () => {
    if (!client.usable) client.close();
    signal();
  };
  client.on('exists', signal);
  client.on('close', () => {
    closed = true;
    signal();
  });
  client.on('error', (err: Error) => d.log.debug({ err }, 'IMAP connection error'));
  d.signal.addEventListener('abort', onAbort);
  let failed = false;
  try {
    await client.connect();
    const lock = await client.getMailboxLock(imap.folder ?? 'INBOX');
    try {
      for (let first = true; ; first = false) {
        news.pending = false;
        await syncPass(client, d);
        if (first) d.onHealthy();
        if (d.signal.aborted) return;
        if (closed) throw new Error('IMAP connection closed');
        if (news.pending) continue; // mail arrived during the pass
        await d.progress.save({ status: 'idle' });
        const woke = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, d.opts.pollIntervalMs);
          news.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        // IDLE runs until the next command breaks it; servers without IDLE are covered by the poll timer.
        void client.idle().catch(() => {});
        if (!news.pending) await woke;
        news.wake = () => {};
        if (d.signal.aborted) return;
        if (closed) throw new Error('IMAP connection closed');
      }
    } finally {
      if (!closed) lock.release();
    }
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    d.signal.removeEventListener('abort', onAbort);
    // After an error or a stop mid-batch the connection may be mid-command: drop it instead of a polite LOGOUT.
    if (failed || d.signal.aborted) client.close();
    else if (!closed) await client.logout().catch(() => client.close());
  }
}
