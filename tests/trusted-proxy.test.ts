// Behind a load balancer every request comes from the balancer's address: per-address limits (login attempts,
// new chat sessions, widget uploads) would then count every client together. TRUST_PROXY_HOPS=1 makes them count
// the address the balancer forwarded for; without it X-Forwarded-For is ignored (a client could forge it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { createWebchatInbox, Visitor } from './support/widget.ts';

const login = (base: string, email: string, forwardedFor: string) =>
  fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: JSON.stringify({ email, password: 'wrong password' }),
  }).then((r) => r.status);

describe.each(storageModes())('behind one trusted proxy: TRUST_PROXY_HOPS=1 (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestServer(mode, { env: { TRUST_PROXY_HOPS: '1' } });
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => t?.stop());

  it('limits login attempts per forwarded client address, not per proxy', async () => {
    // 20 per address and minute; 8 per email, so the attempts go to three accounts.
    for (let i = 0; i < 20; i++) expect(await login(t.url, `user${i % 3}@example.test`, '203.0.113.10')).toBe(401);
    expect(await login(t.url, 'user3@example.test', '203.0.113.10')).toBe(429);
    // Another client behind the same proxy is not affected…
    expect(await login(t.url, 'user4@example.test', '203.0.113.11')).toBe(401);
    // …and a client cannot escape its limit by writing its own X-Forwarded-For in front.
    expect(await login(t.url, 'user5@example.test', '198.51.100.1, 203.0.113.10')).toBe(429);
  });

  it('counts new chat sessions per forwarded visitor address', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { sessionsPerHourPerIp: 1 } }, 'Behind a proxy');
    const first = await Visitor.connect(t.url, { inbox: inbox.publicToken }, { headers: { 'x-forwarded-for': '203.0.113.20' } });
    const refused = await Visitor.refused(t.url, { inbox: inbox.publicToken }, { headers: { 'x-forwarded-for': '203.0.113.20' } });
    expect(refused.code).toBe('rate_limited');
    const other = await Visitor.connect(t.url, { inbox: inbox.publicToken }, { headers: { 'x-forwarded-for': '203.0.113.21' } });
    expect(other.session).not.toBeNull();
    first.close();
    other.close();
  });
});

describe.each(storageModes())('without TRUST_PROXY_HOPS: X-Forwarded-For is ignored (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => t?.stop());

  it('counts chat sessions per connection address whatever the header says', async () => {
    const inbox = await createWebchatInbox(admin, { limits: { sessionsPerHourPerIp: 1 } }, 'Direct');
    const first = await Visitor.connect(t.url, { inbox: inbox.publicToken }, { headers: { 'x-forwarded-for': '203.0.113.30' } });
    const refused = await Visitor.refused(t.url, { inbox: inbox.publicToken }, { headers: { 'x-forwarded-for': '203.0.113.31' } });
    expect(refused.code).toBe('rate_limited');
    first.close();
  });
});
