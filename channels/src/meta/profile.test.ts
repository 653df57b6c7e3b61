import { describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.ts';
import { metaFakeEachTest } from './fake-each-test.ts';
import { instagramTestContext, messengerTestContext, TEST_META } from './fixtures.ts';
import { instagramAdapter } from './instagram.ts';
import { messengerAdapter } from './messenger.ts';

const PSID = '6789012345678901';
const IGSID = '1254459154682919';
const messengerId = (id: string) => ({ kind: 'messenger' as const, address: `${TEST_META.pageId}:${id}`, verified: true });
const instagramId = (id: string) => ({ kind: 'instagram' as const, address: `${TEST_META.instagramAccountId}:${id}`, verified: true });

describe('Meta sender profiles (Graph API)', () => {
  const { start } = metaFakeEachTest();

  it('Messenger: first and last name (and the picture link) of a PSID, with the page token', async () => {
    const f = await start();
    f.addProfile(PSID, { first_name: 'Ana', last_name: 'Souza', profile_pic: 'https://platform-lookaside.fbsbx.com/pic?psid=1', locale: 'pt_BR' });
    const ctx = messengerTestContext({ settings: { graphBaseUrl: f.url } });
    expect(await messengerAdapter.fetchProfile?.(messengerId(PSID), ctx)).toEqual({
      name: 'Ana Souza',
      attributes: { messenger: { profilePic: 'https://platform-lookaside.fbsbx.com/pic?psid=1' } },
    });
    const request = f.requests.at(-1)!;
    expect(request.path).toBe(`/v25.0/${PSID}?fields=first_name%2Clast_name%2Cprofile_pic`);
    expect(request.headers.authorization).toBe(`Bearer ${TEST_META.accessToken}`);
  });

  it('Instagram: the name, else the @username', async () => {
    const f = await start();
    f.addProfile(IGSID, { name: 'Bea Costa', username: 'bea.costa' });
    f.addProfile('1254459154682920', { username: 'nameless' });
    const ctx = instagramTestContext({ settings: { graphBaseUrl: f.url } });
    expect(await instagramAdapter.fetchProfile?.(instagramId(IGSID), ctx)).toEqual({ name: 'Bea Costa', attributes: { instagram: { username: 'bea.costa' } } });
    expect(await instagramAdapter.fetchProfile?.(instagramId('1254459154682920'), ctx)).toEqual({ name: '@nameless', attributes: { instagram: { username: 'nameless' } } });
    expect(f.requests.at(-1)?.path).toBe('/v25.0/1254459154682920?fields=name%2Cusername');
  });

  it('asks nothing for an identity of another account or kind', async () => {
    const f = await start();
    const ctx = messengerTestContext({ settings: { graphBaseUrl: f.url } });
    expect(await messengerAdapter.fetchProfile?.({ kind: 'messenger', address: `999:${PSID}` }, ctx)).toBeNull();
    expect(await messengerAdapter.fetchProfile?.({ kind: 'phone', address: '+14155552671' }, ctx)).toBeNull();
    expect(f.requests).toHaveLength(0);
  });

  it('fails like any Graph call: unknown ids and a bad token permanently, Meta outages transiently', async () => {
    const f = await start();
    const ctx = messengerTestContext({ settings: { graphBaseUrl: f.url } });
    const failure = async (p: Promise<unknown> | undefined) => {
      const err = await p?.then(() => null, (e: unknown) => e);
      if (!(err instanceof ChannelError)) throw new Error(`expected a ChannelError, got ${String(err)}`);
      return err;
    };
    expect((await failure(messengerAdapter.fetchProfile?.(messengerId('1111'), ctx))).transient).toBe(false);
    const badToken = messengerTestContext({ settings: { graphBaseUrl: f.url }, credentials: { accessToken: 'EAAG-revoked' } });
    f.addProfile(PSID, { first_name: 'Ana' });
    expect(await failure(messengerAdapter.fetchProfile?.(messengerId(PSID), badToken))).toMatchObject({ code: 'unauthorized', transient: false });
    await f.close();
    expect((await failure(messengerAdapter.fetchProfile?.(messengerId(PSID), ctx))).transient).toBe(true);
  });
});
