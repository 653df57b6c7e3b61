// IMAP backfill: Dovecot holds N mails (BENCH_IMAP_MAILS, default 5,000); the product syncs them into a
// new email inbox (IMAP FETCH in batches → parseRaw, parsed ahead → ingest in UID order → progress), measured from the inbox's
// creation to `syncState.backfill.done === N`. Baseline in the same run: a bare imapflow FETCH of the same
// sources in the same batch size, nothing stored. The server runs in this process (the email adapter is
// registered here), so peak RSS is this process's, sampled every 50 ms, as growth over the phase's start.
import { ImapFlow } from 'imapflow';
import { startDovecot, testMail, type Dovecot } from '../../support/dovecot.ts';
import { createEmailInbox, MAILBOX_PASSWORD, storedMessageIds, syncStateOf } from '../../support/email.ts';
import { setupAdmin } from '../../support/api.ts';
import { startSmtpReceiver } from '../../support/smtp-receiver.ts';
import { startTestServer } from '../../support/server.ts';
import { eventually } from '../../support/webhook-receiver.ts';
import { withPeakRss } from '../lib/rss.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';

const BASELINE_ID = 'imap-fetch-baseline';
const BATCH = 100;
const USER = 'bench@example.test';

async function rawFetch(dovecot: Dovecot, count: number): Promise<number> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: USER, pass: MAILBOX_PASSWORD }, logger: false, disableAutoIdle: true });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  let bytes = 0;
  let fetched = 0;
  try {
    const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; i += BATCH) {
      for await (const m of client.fetch(uids.slice(i, i + BATCH).join(','), { uid: true, source: true }, { uid: true })) {
        bytes += m.source?.length ?? 0;
        fetched++;
      }
    }
  } finally {
    lock.release();
    await client.logout();
  }
  if (fetched !== count) throw new Error(`fetched ${fetched} of ${count}`);
  return bytes;
}

export const imapBackfill: Scenario = {
  name: 'imap-backfill',
  async run(opts: BenchOptions): Promise<BenchRow[]> {
    const count = Number(process.env.BENCH_IMAP_MAILS ?? 5000);
    const dovecot = await startDovecot();
    // The inbox's outgoing server (checked when the inbox is saved; nothing is sent).
    const smtp = await startSmtpReceiver();
    const rows: BenchRow[] = [];
    try {
      dovecot.addUser(USER, MAILBOX_PASSWORD);
      opts.log(`imap-backfill: appending ${count} mails to Dovecot`);
      // 1 sender in 3 is new; the others write again.
      const mails = Array.from({ length: count }, (_, i) => testMail({ from: `Customer ${i % Math.ceil(count / 3)} <c${i % Math.ceil(count / 3)}@example.test>`, text: `Hello ${i}\n${'Lorem ipsum dolor sit amet. '.repeat(40)}` }));
      for (let i = 0; i < mails.length; i += 500) await dovecot.append(USER, MAILBOX_PASSWORD, mails.slice(i, i + 500).map((m) => m.raw));

      const t0 = performance.now();
      const base = await withPeakRss(() => rawFetch(dovecot, count));
      const baseSeconds = (performance.now() - t0) / 1000;
      rows.push({
        id: BASELINE_ID, scenario: 'imap-fetch baseline', store: '-', messages: count, seconds: baseSeconds, rate: count / baseSeconds,
        p50Ms: null, p95Ms: null, errors: 0,
        notes: `bare imapflow FETCH of ${count} sources (${(base.result / 1048576).toFixed(1)} MB) in batches of ${BATCH}, nothing stored; peak RSS +${base.peakMb.toFixed(0)} MB`,
      });

      // BENCH_IMAP_COMPARE=1: each store also without parse-ahead, just before (same load on the machine).
      const compare = process.env.BENCH_IMAP_COMPARE === '1';
      const variants = opts.stores.flatMap((store) => [...(compare ? [{ store, ahead: false }] : []), { store, ahead: true }]);
      for (const { store, ahead } of variants) {
        const id = `imap-backfill/${store}${ahead ? '' : '/no-parse-ahead'}`;
        opts.log(`${id}: syncing ${count} mails`);
        const t = await startTestServer(store, { mailSync: { discoverMs: 100, batchSize: BATCH, ...(ahead ? {} : { parseAhead: 0 }) } });
        try {
          const admin = await setupAdmin(t.url);
          const { result, peakMb } = await withPeakRss(async () => {
            const started = performance.now();
            const inbox = await createEmailInbox(admin, { mode: 'imap', imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: USER, password: MAILBOX_PASSWORD }, smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: USER });
            await eventually(async () => {
              const s = await syncStateOf(t, inbox.id);
              return s.backfill?.total === count && s.backfill.done === count;
            }, 30 * 60_000, 200);
            return { seconds: (performance.now() - started) / 1000, inboxId: inbox.id };
          });
          const stored = (await storedMessageIds(t, result.inboxId)).length;
          rows.push({
            id, scenario: ahead ? 'imap-backfill' : 'imap-backfill (no parse-ahead)', store, messages: count, seconds: result.seconds, rate: count / result.seconds,
            baseline: BASELINE_ID, p50Ms: null, p95Ms: null, errors: count - stored,
            notes: `in-process server, batches of ${BATCH}, ${ahead ? 'parse-ahead 8' : 'each mail parsed only after the previous one is stored'}, one inbox; peak RSS +${peakMb.toFixed(0)} MB (server${store === 'pglite' ? ' and embedded PGlite' : ''} in this process)`,
          });
        } finally {
          await t.stop();
        }
      }
    } finally {
      await smtp.close();
      await dovecot.stop();
    }
    return rows;
  },
};
