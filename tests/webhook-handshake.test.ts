// The order of provider handshakes and signature checks in the webhook service (the one webhook edge):
// a GET subscription check (Meta's hub.challenge) authenticates itself and is answered before verify;
// a handshake arriving any other way (Slack's url_verification POST) is answered only after verify said ok.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAdapter, type ChannelAdapter, type InboundRequest } from '@switchboard/channels';
import { signApiPayload } from '@switchboard/channels/api';
import { storageModes } from '@switchboard/db/testing';
import { createLogger, WebhookService } from '@switchboard/server';
import { startTestServer, type TestServer } from './support/server.ts';
import { setupAdmin } from './support/api.ts';

const SECRET = 'handshake-secret-0123456789abcdef';

/** The API channel plus a handshake that answers every request carrying `challenge`, checking nothing itself. */
const naiveHandshake: ChannelAdapter = {
  ...(apiAdapter as ChannelAdapter),
  handshake: (req) => {
    const challenge = new URL(req.url).searchParams.get('challenge');
    return challenge ? { status: 200, body: challenge } : null;
  },
};

describe.each(storageModes())('webhook handshakes and verification (%s)', (mode) => {
  let t: TestServer;
  let webhooks: WebhookService;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer(mode);
    const admin = await setupAdmin(t.url);
    token = (await admin.post('/api/inboxes', { kind: 'api', name: 'Hooks', credentials: { secret: SECRET } })).body.publicToken;
    const { store, secrets, ingest } = t.server.services;
    webhooks = new WebhookService({ store, secrets, ingest, adapterFor: (k) => (k === 'api' ? naiveHandshake : undefined), fetch, log: createLogger('silent') });
  });
  afterAll(async () => t?.stop());

  const request = (method: string, rawBody = '', headers: Record<string, string> = {}): InboundRequest => ({
    method,
    url: `https://switchboard.example/webhooks/api/${token}?challenge=c-123`,
    headers,
    rawBody,
  });

  it('answers a GET subscription check before verify', async () => {
    expect(await webhooks.handle('api', token, request('GET'))).toMatchObject({ handshake: { status: 200, body: 'c-123' } });
  });

  it('never answers a POST handshake whose signature does not check out', async () => {
    const body = '{"messages":[]}';
    await expect(webhooks.handle('api', token, request('POST', body))).rejects.toMatchObject({ code: 'invalid_signature' });
    await expect(webhooks.handle('api', token, request('POST', body, { 'x-switchboard-signature': signApiPayload('another-secret-0123456789', body) }))).rejects.toMatchObject({ code: 'invalid_signature' });
    const signed = await webhooks.handle('api', token, request('POST', body, { 'x-switchboard-signature': signApiPayload(SECRET, body) }));
    expect(signed).toMatchObject({ handshake: { status: 200, body: 'c-123' } });
  });
});
