// Large mail: Dovecot holds BENCH_LARGE_MAILS mails (default 8), each with one BENCH_LARGE_MAIL_MB attachment
// (default 30 MB, so a ~41 MB mail once base64-encoded); a new IMAP inbox backfills them. Mails above the
// streaming threshold are downloaded in partial FETCHes and parsed from the stream, the attachment written to
// storage as it is decoded: peak RSS growth (this process: the server runs in it) stays far below one mail.
// The last row turns streaming off (every mail fetched whole and parsed in memory) for comparison.
// Every stored attachment is checked (size and SHA-256): a mismatch counts as an error.
import { createHash, randomBytes } from 'node:crypto';
import { startDovecot } from '../../support/dovecot.ts';
import { apiMessageOf, createEmailInbox, downloadSha256, MAILBOX_PASSWORD, mailWithFiles, syncStateOf } from '../../support/email.ts';
import { setupAdmin } from '../../support/api.ts';
import { startSmtpReceiver } from '../../support/smtp-receiver.ts';
import { startTestServer } from '../../support/server.ts';
import { eventually } from '../../support/webhook-receiver.ts';
import { withPeakRss } from '../lib/rss.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';

const USER = 'large@example.test';
const MB = 1024 * 1024;

export const largeMail: Scenario = {
  name: 'large-mail',
  async run(opts: BenchOptions): Promise<BenchRow[]> {
    const count = Number(process.env.BENCH_LARGE_MAILS ?? 8);
    const fileMb = Number(process.env.BENCH_LARGE_MAIL_MB ?? 30);
    const dovecot = await startDovecot();
    const smtp = await startSmtpReceiver();
    const rows: BenchRow[] = [];
    try {
      dovecot.addUser(USER, MAILBOX_PASSWORD);
      const file = randomBytes(fileMb * MB);
      const digest = createHash('sha256').update(file).digest('hex');
      opts.log(`large-mail: appending ${count} mails with a ${fileMb} MB attachment to Dovecot`);
      const mails = Array.from({ length: count }, (_, i) => mailWithFiles({ subject: `Large ${i}`, files: [{ name: `dump-${i}.bin`, contentType: 'application/octet-stream', bytes: file }] }));
      const mailMb = Buffer.byteLength(mails[0]?.raw ?? '') / MB;
      for (const m of mails) await dovecot.append(USER, MAILBOX_PASSWORD, [m.raw]);

      const variants = [
        ...opts.stores.map((store) => ({ store, streaming: true })),
        ...(opts.stores[0] ? [{ store: opts.stores[0], streaming: false }] : []),
      ];
      for (const { store, streaming } of variants) {
        const label = streaming ? 'streamed' : 'in memory';
        opts.log(`large-mail/${store} (${label}): syncing ${count} mails`);
        const limit = String((fileMb + 8) * MB);
        const t = await startTestServer(store, {
          env: { ATTACHMENT_MAX_BYTES: limit },
          mailSync: { discoverMs: 100, ...(streaming ? {} : { streamAboveBytes: Number.MAX_SAFE_INTEGER }) },
        });
        try {
          const admin = await setupAdmin(t.url);
          const { result, peakMb } = await withPeakRss(async () => {
            const started = performance.now();
            const inbox = await createEmailInbox(
              admin,
              { mode: 'imap', imap: { host: dovecot.host, port: dovecot.port, security: 'none', user: USER, password: MAILBOX_PASSWORD }, smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: USER },
              { maxAttachmentBytes: Number(limit) },
            );
            await eventually(async () => {
              const s = await syncStateOf(t, inbox.id);
              return s.backfill?.total === count && s.backfill.done === count;
            }, 30 * 60_000, 200);
            return { seconds: (performance.now() - started) / 1000, inboxId: inbox.id };
          });
          let errors = 0;
          for (const [i, m] of mails.entries()) {
            const message = await apiMessageOf(t, admin, result.inboxId, m.messageId).catch(() => null);
            const att = message?.attachments.find((a) => a.name === `dump-${i}.bin`);
            const ok = att && att.size === file.length && (await downloadSha256(t, admin, att.url)).sha256 === digest;
            if (!ok) errors++;
          }
          rows.push({
            id: `large-mail/${store}${streaming ? '' : '/in-memory'}`,
            scenario: `large-mail (${label})`,
            store,
            messages: count,
            seconds: result.seconds,
            rate: count / result.seconds,
            p50Ms: null,
            p95Ms: null,
            errors,
            ...(streaming ? {} : { baseline: `large-mail/${store}` }),
            notes: `${count} mails of ${mailMb.toFixed(1)} MB (one ${fileMb} MB attachment each), ${((count * mailMb) / result.seconds).toFixed(1)} MB/s; peak RSS +${peakMb.toFixed(0)} MB (server${store === 'pglite' ? ' and embedded PGlite' : ''} in this process)${streaming ? '' : '; streaming off: every mail fetched whole and parsed in memory'}`,
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
