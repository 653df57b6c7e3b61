import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin } from './support/api.ts';
import { startDovecot, testMail, type Dovecot } from './support/dovecot.ts';
import { createEmailInbox, imapCredentials, MAILBOX_PASSWORD, storedMessageIds, syncStateOf } from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startSecondInstance, startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';


const mailSync = { discoverMs: 200, backoffMinMs: 100, backoffMaxMs: 1_000, leaseMs: 3_000, leaseRetryMs: 200 };

describe.each(storageModes())('two instances on one database sync an inbox once (%s)', (mode) => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let first: TestServer;
  let second: Awaited<ReturnType<typeof startSecondInstance>>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    first = await startTestServer(mode, { mailSync });
    second = await startSecondInstance(first, { mailSync });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  it('only the lease holder connects; the other takes over when it stops', async () => {
    const user = `shared-${mode}@example.test`;
    dovecot.addUser(user, MAILBOX_PASSWORD);
    const admin = await setupAdmin(first.url);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    // Both instances run a sync for the inbox; one holds the lease.
    await eventually(async () => first.server.mail.sync.inboxIds.includes(inbox.id) && second.server.mail.sync.inboxIds.includes(inbox.id));
    await eventually(async () => (await syncStateOf(first, inbox.id)).status === 'idle');
    const one = testMail();
    await dovecot.deliver(user, one.raw);
    await eventually(async () => (await storedMessageIds(first, inbox.id)).includes(one.messageId));
    // One login for the connection test when the inbox was created, one for the lease holder's sync.
    expect(dovecot.logins(user)).toBe(2);

    // The holder stops (releasing the lease): the other instance connects and goes on from lastUid.
    const [holder, other] = (await holderName(inbox.id)) === 'first' ? [first.server, second.server] : [second.server, first.server];
    await holder.mail.sync.stop();
    await eventually(async () => dovecot.logins(user) === 3);
    const two = testMail();
    await dovecot.deliver(user, two.raw);
    await eventually(async () => (await storedMessageIds(first, inbox.id)).includes(two.messageId));
    expect((await storedMessageIds(first, inbox.id)).sort()).toEqual([one.messageId, two.messageId].sort());
    // The cursor moves only after the message is stored, so it may trail the stored rows for a moment.
    await eventually(async () => (await syncStateOf(first, inbox.id)).lastUid === 2);
    expect(await syncStateOf(first, inbox.id)).toMatchObject({ lastUid: 2, messagesIngested: 2 });
    expect(other.mail.sync.inboxIds).toContain(inbox.id);
  });

  /** Which instance holds the lease: the one whose stop releases it. */
  async function holderName(inboxId: string): Promise<'first' | 'second'> {
    const owner = ((await syncStateOf(first, inboxId)).lease as { owner: string }).owner;
    return first.server.mail.sync.owner === owner ? 'first' : 'second';
  }
});
