import type { FetchMessageObject, ImapFlow } from 'imapflow';
import type { Logger } from '../lib/logger.ts';
import { mapAhead } from '../lib/map-ahead.ts';
import { isUnparseableMail, type MailIntake, type ParsedMail } from './mail-intake.ts';
import type { SyncProgress } from './sync-progress.ts';
import type { EmailInbox } from './types.ts';

export interface PassOptions {
  /** UIDs per batch: one FETCH of their sizes, then of the sources of the small ones. */
  batchSize: number;
  /** Progress is written after every batch and every this many mails within one. */
  saveEvery: number;
  backfillDays: number;
  /** Mails larger than this (RFC822.SIZE) are downloaded as a stream and parsed from it, never held whole. */
  streamAboveBytes: number;
  /** At most this many bytes of (small) sources per FETCH: bounds what a batch holds in memory. */
  fetchBytes: number;
  /** Small mails parsed ahead of the one being stored (they are still stored one by one, in UID order); 0: none. */
  parseAhead: number;
  /** Size of the partial FETCHes a streamed download is made of. */
  downloadChunkBytes: number;
}

export interface PassDeps {
  inbox: EmailInbox;
  intake: MailIntake;
  progress: SyncProgress;
  log: Logger;
  opts: PassOptions;
  signal: AbortSignal;
}

/** Consecutive UIDs of one batch: small ones fetched together, a large one on its own (streamed). */
type Run = { large: false; uids: number[] } | { large: true; uid: number };

/** Splits a batch (UID order kept) into runs; UIDs without a size were expunged meanwhile and are left out. */
export function runsOf(batch: number[], sizes: Map<number, number>, opts: Pick<PassOptions, 'streamAboveBytes' | 'fetchBytes'>): Run[] {
  const runs: Run[] = [];
  let small: number[] = [];
  let bytes = 0;
  const flush = () => {
    if (small.length > 0) runs.push({ large: false, uids: small });
    small = [];
    bytes = 0;
  };
  for (const uid of batch) {
    const size = sizes.get(uid);
    if (size === undefined) continue;
    if (size > opts.streamAboveBytes) {
      flush();
      runs.push({ large: true, uid });
      continue;
    }
    if (small.length > 0 && bytes + size > opts.fetchBytes) flush();
    small.push(uid);
    bytes += size;
  }
  flush();
  return runs;
}

/**
 * Fetches every mail after lastUid (within the backfill window) and stores it through the intake. Mails are
 * stored strictly in UID order and lastUid only moves past stored (or unparseable, skipped) mails, so a stop,
 * a crash or a dropped connection resumes without a gap or a duplicate. Small mails are parsed ahead of the one
 * being stored; large ones are streamed from the server one at a time.
 */
export async function syncPass(client: ImapFlow, d: PassDeps): Promise<void> {
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

  let unsaved = 0;
  /** Stores one mail (or counts it as unparseable) and moves lastUid past it. */
  const commit = async (uid: number, outcome: PromiseSettledResult<ParsedMail | null>) => {
    if (outcome.status === 'rejected') {
      // An unparseable mail is recorded and skipped: it never blocks the mailbox. Anything else is retried.
      if (!isUnparseableMail(outcome.reason)) throw outcome.reason;
      st.failures++;
      d.log.warn({ err: outcome.reason, uid }, 'skipping a mail that could not be parsed');
    } else if (outcome.value) {
      // A storage error throws here: lastUid stays before this mail and the session retries it.
      const results = await d.intake.store(d.inbox, outcome.value);
      st.messagesIngested += results.filter((r) => r.created).length;
    }
    st.lastUid = uid;
    if (backfilling) st.backfill.done++;
    if (++unsaved >= d.opts.saveEvery) {
      unsaved = 0;
      await d.progress.save({ lastSyncAt: new Date().toISOString() });
    }
  };

  for (let i = 0; i < uids.length; i += d.opts.batchSize) {
    const batch = uids.slice(i, i + d.opts.batchSize);
    const sizes = new Map<number, number>();
    for await (const m of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) {
      if (m.size !== undefined) sizes.set(m.uid, m.size);
    }
    for (const run of runsOf(batch, sizes, d.opts)) {
      if (d.signal.aborted) break; // stopping: keep what is committed, the rest comes after the restart
      if (run.large) await syncLarge(client, d, run.uid, commit);
      else await syncSmall(client, d, run.uids, commit);
    }
    unsaved = 0;
    await d.progress.save({ lastSyncAt: new Date().toISOString() });
    d.log.info({ lastUid: st.lastUid, backfill: st.backfill, ingested: st.messagesIngested }, 'batch committed');
    if (d.signal.aborted) return;
  }
  // Mails expunged between SEARCH and FETCH were never counted: the window is complete.
  if (backfilling && st.backfill.done !== st.backfill.total) await d.progress.save({ backfill: { ...st.backfill, total: st.backfill.done } });
}

type Commit = (uid: number, outcome: PromiseSettledResult<ParsedMail | null>) => Promise<void>;

/** One FETCH of the sources; each mail parsed in memory, up to `parseAhead` of them ahead of the one being stored. */
async function syncSmall(client: ImapFlow, d: PassDeps, uids: number[], commit: Commit): Promise<void> {
  const fetched = client.fetch(uids.join(','), { uid: true, source: true }, { uid: true });
  const parse = (msg: FetchMessageObject) =>
    msg.source && msg.uid > d.progress.state.lastUid ? d.intake.parseBytes(msg.source, d.inbox) : Promise.resolve(null);
  for await (const { item: msg, result } of mapAhead(fetched, parse, d.opts.parseAhead)) {
    if (d.signal.aborted) break;
    if (msg.uid <= d.progress.state.lastUid || !msg.source) continue;
    await commit(msg.uid, result);
  }
}

/** A large mail: downloaded in partial FETCHes and parsed from the stream, attachments written to storage as they come. */
async function syncLarge(client: ImapFlow, d: PassDeps, uid: number, commit: Commit): Promise<void> {
  const download = await client.download(String(uid), undefined, { uid: true, chunkSize: d.opts.downloadChunkBytes });
  if (!download.content) return; // expunged meanwhile
  const { content } = download;
  d.log.info({ uid, bytes: download.meta?.expectedSize }, 'streaming a large mail');
  // A stop does not wait for the rest of a large download: nothing of this mail is committed, it comes again.
  const stop = () => content.destroy(new Error('sync stopped'));
  d.signal.addEventListener('abort', stop);
  let outcome: PromiseSettledResult<ParsedMail>;
  try {
    outcome = await d.intake.parseStream(content, d.inbox).then(
      (value) => ({ status: 'fulfilled', value }),
      (reason: unknown) => ({ status: 'rejected', reason }),
    );
  } finally {
    d.signal.removeEventListener('abort', stop);
  }
  if (d.signal.aborted && outcome.status === 'rejected') return;
  await commit(uid, outcome);
}
