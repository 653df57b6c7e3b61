import type { ImapFlow } from 'imapflow';
import type { IngestService } from '../domain/ingest-service.ts';
import type { Logger } from '../lib/logger.ts';
import { imapClient, type ImapTimeouts } from './imap-client.ts';
import type { SyncProgress } from './sync-progress.ts';
import type { EmailInbox, RawMailParser } from './types.ts';

export interface SessionOptions extends ImapTimeouts {
  /** UIDs fetched per FETCH (only `source`): bounds memory. */
  batchSize: number;
  /** Progress is written after every batch and every this many mails within one. */
  saveEvery: number;
  pollIntervalMs: number;
  backfillDays: number;
}

export interface SessionDeps {
  inbox: EmailInbox;
  parse: RawMailParser;
  ingest: Pick<IngestService, 'ingest' | 'applyStatuses'>;
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

/** Fetches every mail after lastUid (within the backfill window) and ingests it; lastUid only passes committed mails. */
async function syncPass(client: ImapFlow, d: SessionDeps): Promise<void> {
  const st = d.progress.state;
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error('no mailbox selected');
  const uidValidity = mailbox.uidValidity.toString();
  if (st.uidValidity !== uidValidity) {
    if (st.uidValidity !== null) d.log.warn({ was: st.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: resyncing the backfill window');
    const since = new Date(Date.now() - d.opts.backfillDays * 86_400_000);
    await d.progress.save({ uidValidity, lastUid: 0, since: since.toISOString(), backfill: { total: 0, done: 0 } });
  }
  const since = new Date(st.since ?? 0);
  const found = (await client.search({ uid: `${st.lastUid + 1}:*`, since }, { uid: true })) || [];
  const uids = found.filter((u) => u > st.lastUid).sort((a, b) => a - b);
  const backfilling = st.lastUid === 0 || st.backfill.done < st.backfill.total;
  if (uids.length === 0) {
    await d.progress.save({ lastSyncAt: new Date().toISOString(), lastError: null });
    return;
  }
  if (backfilling) st.backfill = { total: st.backfill.done + uids.length, done: st.backfill.done };
  d.log.info({ count: uids.length, fromUid: uids[0], backfill: backfilling }, 'fetching new mail');
  await d.progress.save({ status: 'syncing', lastError: null });
  const inbox = { id: d.inbox.id, workspaceId: d.inbox.workspaceId, settings: d.inbox.settings };
  let unsaved = 0;
  for (let i = 0; i < uids.length; i += d.opts.batchSize) {
    const batch = uids.slice(i, i + d.opts.batchSize);
    for await (const msg of client.fetch(batch.join(','), { uid: true, source: true }, { uid: true })) {
      if (d.signal.aborted) break; // stopping: keep what is committed, the rest comes after the restart
      if (msg.uid <= st.lastUid || !msg.source) continue;
      let parsed;
      try {
        parsed = await d.parse(msg.source, d.inbox.ctx);
      } catch (err) {
        // An unparseable mail is recorded and skipped: it never blocks the mailbox.
        st.failures++;
        d.log.warn({ err, uid: msg.uid }, 'skipping a mail that could not be parsed');
      }
      if (parsed) {
        // A storage error throws here: lastUid stays before this mail and the session retries it.
        const results = await d.ingest.ingest(inbox, parsed.messages);
        await d.ingest.applyStatuses(inbox, parsed.statuses);
        st.messagesIngested += results.filter((r) => r.created).length;
      }
      st.lastUid = msg.uid;
      if (backfilling) st.backfill.done++;
      if (++unsaved >= d.opts.saveEvery) {
        unsaved = 0;
        await d.progress.save({ lastSyncAt: new Date().toISOString() });
      }
    }
    unsaved = 0;
    await d.progress.save({ lastSyncAt: new Date().toISOString() });
    d.log.info({ lastUid: st.lastUid, backfill: st.backfill, ingested: st.messagesIngested }, 'batch committed');
    if (d.signal.aborted) return;
  }
  // Mails expunged between SEARCH and FETCH were never counted: the window is complete.
  if (backfilling && st.backfill.done !== st.backfill.total) await d.progress.save({ backfill: { ...st.backfill, total: st.backfill.done } });
}
