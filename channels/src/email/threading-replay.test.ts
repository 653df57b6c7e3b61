/**
 * Replays fixtures/threading/expected.json through a minimal in-memory model of the server's threading rules
 * (thread candidates among stored/sent ids, then the reply token, automated mail never starts a conversation,
 * bounces update statuses). Proves expected.json is reachable from the parser's output alone; the server's own
 * ingest test replays the same file against the real database.
 */
import { describe, expect, it } from 'vitest';
import { emailTestContext, readFixture, readThreadingCorpus } from './fixtures.ts';
import { parseEmail } from './parse.ts';

const expected = readThreadingCorpus();

describe('threading corpus: replay with the documented rules', () => {
  it('lands every mail in its expected conversation', async () => {
    const ctx = emailTestContext();
    const conversationOf = new Map<string, number>(); // provider message id → conversation
    const labelOf = new Map<number, string>();
    const conversationOfLabel = (label: string) => [...labelOf].find(([, l]) => l === label)?.[0];
    const statuses = new Map<string, string>();
    const participants = new Map<number, Set<string>>();
    let next = 1;

    for (const d of expected.deliveries) {
      if (d.sent) {
        const conversation = conversationOfLabel(d.conversation ?? '');
        expect(conversation, `sent ${d.sent} into an unknown conversation`).toBeDefined();
        conversationOf.set(d.sent, conversation as number);
        continue;
      }
      const parsed = await parseEmail(readFixture(`threading/${d.file}`), ctx);
      for (const s of parsed.statuses) statuses.set(s.providerMessageId, s.status);
      let landed: number | null = null;
      let started = false;
      for (const m of parsed.messages) {
        let conversation = m.threadCandidates?.map((id) => conversationOf.get(id)).find((c) => c !== undefined);
        if (conversation === undefined && m.conversationToken) {
          const label = expected.tokens[m.conversationToken];
          conversation = label === undefined ? undefined : conversationOfLabel(label);
        }
        if (conversation === undefined) {
          if (m.automated) continue;
          conversation = next++;
          started = true;
        }
        conversationOf.set(m.providerMessageId, conversation);
        const set = participants.get(conversation) ?? new Set<string>();
        for (const p of m.participants ?? []) set.add(p.identities[0]?.address ?? '');
        participants.set(conversation, set);
        landed = conversation;
      }
      if (d.conversation === null) {
        expect(landed, d.file).toBeNull();
      } else {
        expect(landed, d.file).not.toBeNull();
        const known = labelOf.get(landed as number);
        if (known === undefined) labelOf.set(landed as number, d.conversation);
        else expect(known, d.file).toBe(d.conversation);
        expect(started, `${d.file} starts a conversation`).toBe(Boolean(d.starts));
        for (const p of d.participants ?? []) expect(participants.get(landed as number)).toContain(p);
      }
      if (d.status) expect(statuses.get(d.status.providerMessageId), d.file).toBe(d.status.status);
    }
    expect(new Set(labelOf.values()).size).toBe(labelOf.size);
  });
});
