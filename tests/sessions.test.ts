import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ADMIN, ApiClient, setupAdmin } from './support/api.ts';

describe.each(storageModes())('session expiry (%s)', (mode) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(mode);
    await setupAdmin(t.url);
  });
  afterAll(async () => t?.stop());

  it('refuses an expired session, and the housekeeping purge deletes only expired rows', async () => {
    const stale = await new ApiClient(t.url).login(ADMIN.email, ADMIN.password);
    const fresh = await new ApiClient(t.url).login(ADMIN.email, ADMIN.password);
    const before = await t.db.prisma.session.count();
    // Expire the first session (the newest-but-one row).
    const rows = await t.db.prisma.session.findMany({ orderBy: { createdAt: 'desc' }, take: 2 });
    await t.db.prisma.session.update({ where: { id: rows[1]!.id }, data: { expiresAt: new Date(Date.now() - 1000) } });

    expect((await stale.get('/api/me')).status).toBe(401);
    expect(await t.server.services.auth.purgeExpiredSessions()).toBe(1);
    expect(await t.db.prisma.session.count()).toBe(before - 1);
    expect((await fresh.get('/api/me')).status).toBe(200);
    expect(await t.server.services.auth.purgeExpiredSessions()).toBe(0);
  });

  it('limits login attempts per email (429 with Retry-After); the housekeeping drops only long-ended windows', async () => {
    const email = 'nobody@example.test';
    for (let i = 0; i < 8; i++) expect((await new ApiClient(t.url).post('/api/session', { email, password: 'wrong password' })).status).toBe(401);
    const limited = await new ApiClient(t.url).post('/api/session', { email, password: 'wrong password' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    // Another account from the same address still gets in (the per-address limit is higher).
    expect((await new ApiClient(t.url).post('/api/session', { email: ADMIN.email, password: ADMIN.password })).status).toBe(200);

    await t.db.prisma.rateLimitBucket.create({ data: { key: 'ended-long-ago', count: 3, resetAt: new Date(Date.now() - 2 * 3600_000) } });
    await t.server.services.webchat.purgeRateLimits();
    expect(await t.db.prisma.rateLimitBucket.findUnique({ where: { key: 'ended-long-ago' } })).toBeNull();
    expect(await t.db.prisma.rateLimitBucket.findUnique({ where: { key: `login:email:${email}` } })).not.toBeNull();
  });
});
