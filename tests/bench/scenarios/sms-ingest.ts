// Inbound SMS through the Twilio channel, end to end: form-encoded POST /webhooks/sms/:token signed with
// X-Twilio-Signature exactly as Twilio signs it (HMAC-SHA1 over PUBLIC_URL + path and the sorted fields) →
// signature check → parse (E.164 phone identity) → contact → conversation → message + events, committed before 200.
// The server and the load are lib/webhook-ingest.ts; the inbox's connection test talks to a local Twilio fake.
import { createHash } from 'node:crypto';
import { startTwilioFake, TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, TEST_TWILIO_NUMBER, twilioInboundParams, twilioWebhook } from '@switchboard/channels/testing';
import { contactMix, runWebhookIngest, type IngestPlan, type WebhookIngestSpec } from '../lib/webhook-ingest.ts';
import type { BenchRow, Scenario } from '../types.ts';
import { BENCH_TEXTS } from './api-ingest.ts';

/** A distinct valid US number per contact and phase (+1 415 2xx xxxx warm-up, 3xx xxxx measured). */
const phoneOf = (prefix: string, c: number) => `+1415${String((prefix === 'w' ? 2_000_000 : 3_000_000) + c)}`;
const messageSid = (prefix: string, c: number, k: number) => `SM${createHash('md5').update(`${prefix}-${c}-${k}`).digest('hex')}`;

function smsPlan(webhookUrl: string, prefix: string, messages: number, seed: number): IngestPlan {
  const { items, contacts } = contactMix(messages, seed, (c, k) =>
    twilioInboundParams({ sid: messageSid(prefix, c, k), from: phoneOf(prefix, c), body: BENCH_TEXTS[(c + k) % BENCH_TEXTS.length] }),
  );
  return { requests: items.map((params) => twilioWebhook(webhookUrl, params, TEST_TWILIO_AUTH_TOKEN)), contacts };
}

export const smsIngest: Scenario = {
  name: 'sms ingest',
  async run(opts) {
    const twilio = await startTwilioFake();
    try {
      const spec: WebhookIngestSpec = {
        id: 'sms-ingest',
        scenario: 'SMS ingest (Twilio, signed)',
        describe: 'Twilio SMS webhooks (form-encoded, X-Twilio-Signature)',
        async setup(admin) {
          const created = await admin.post('/api/inboxes', {
            kind: 'sms',
            name: 'Bench SMS',
            credentials: { accountSid: TEST_TWILIO_ACCOUNT_SID, authToken: TEST_TWILIO_AUTH_TOKEN, phoneNumber: TEST_TWILIO_NUMBER },
            settings: { apiBaseUrl: twilio.url },
          });
          if (created.status !== 201) throw new Error(`inbox creation failed: ${created.status} ${JSON.stringify(created.body)}`);
          // Signed for the URL Twilio would call (PUBLIC_URL), sent to the server directly.
          const webhookUrl = created.body.webhookUrl as string;
          return { path: new URL(webhookUrl).pathname, plan: (prefix, messages, seed) => smsPlan(webhookUrl, prefix, messages, seed) };
        },
      };
      const rows: BenchRow[] = [];
      for (const store of opts.stores) rows.push(await runWebhookIngest(store, opts, spec));
      return rows;
    } finally {
      await twilio.close();
    }
  },
};
