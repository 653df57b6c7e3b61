// Inbound ingest through the API channel, end to end: signed HTTP POST /webhooks/api/:token (one message
// per request) → signature check → parse → contact → conversation → message + events, committed before 200.
// The server and the load are lib/webhook-ingest.ts; here: the inbox and its JSON payloads. One contact in five
// uses a threadId.
import { signApiPayload } from '@switchboard/channels/api';
import { contactMix, runWebhookIngest, type IngestPlan, type WebhookIngestSpec } from '../lib/webhook-ingest.ts';
import type { BenchRow, Scenario } from '../types.ts';

const SECRET = 'bench-api-secret-0123456789';

/** Customer messages of every ingest scenario. */
export const BENCH_TEXTS = [
  'Hi, my order has not arrived yet. Could you check the tracking number for me?',
  'Thanks for the quick answer! One more question: can I change the delivery address?',
  'The invoice shows the wrong VAT number, please send a corrected one to our accounts team.',
  'Hallo, wo ist meine Bestellung? Sie sollte letzte Woche ankommen.',
  'I would like to upgrade to the annual plan. Is the discount still available?',
];

/** The requests of one phase (warm-up or measured), signed up front so signing costs nothing in the window. */
export function ingestPlan(prefix: string, messages: number, seed: number): IngestPlan {
  const { items, contacts } = contactMix(messages, seed, (c, k) => ({
    messages: [
      {
        id: `${prefix}-c${c}-m${k}`,
        contact: { id: `${prefix}-cust-${c}`, name: `Customer ${prefix} ${c}`, email: `${prefix}.customer${c}@bench.example` },
        ...(c % 5 === 0 ? { threadId: `${prefix}-order-${c}`, subject: `Order ${c}` } : {}),
        text: BENCH_TEXTS[(c + k) % BENCH_TEXTS.length],
        metadata: { orderId: 10_000 + c, channel: 'shop' },
      },
    ],
  }));
  const requests = items.map((p) => {
    const body = JSON.stringify(p);
    return { body, headers: { 'x-switchboard-signature': signApiPayload(SECRET, body) } };
  });
  return { requests, contacts };
}

const spec: WebhookIngestSpec = {
  id: 'api-ingest',
  scenario: 'API ingest (HTTP, signed)',
  describe: 'API channel (JSON, HMAC-SHA256), 1 contact in 5 threaded',
  async setup(admin) {
    const created = await admin.post('/api/inboxes', { kind: 'api', name: 'Bench backend', credentials: { secret: SECRET } });
    if (created.status !== 201) throw new Error(`inbox creation failed: ${created.status} ${JSON.stringify(created.body)}`);
    return { path: `/webhooks/api/${created.body.publicToken as string}`, plan: ingestPlan };
  },
};

export const apiIngest: Scenario = {
  name: 'api ingest',
  async run(opts) {
    const rows: BenchRow[] = [];
    for (const store of opts.stores) rows.push(await runWebhookIngest(store, opts, spec));
    return rows;
  },
};
