/**
 * Behaviour every channel adapter must show. Each adapter's test file calls
 * `runAdapterContractSuite('sms', fixture)` and then adds its own specific tests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError, type AdapterContext, type ChannelAdapter, type InboundRequest, type OutboundMessage } from './contract.ts';
import { redirectingFetch, startFake, type HttpFake } from './testing/http-fake.ts';
import { sampleOutboundMessage } from './testing/fixtures.ts';

export interface AdapterContractFixture<C, S> {
  adapter: ChannelAdapter<C, S>;
  /** A context with valid credentials; `fetch` overrides the outbound fetch. */
  context(overrides?: { fetch?: typeof fetch }): AdapterContext<C, S>;
  /** A correctly signed inbound request containing at least one message. */
  validRequest(): InboundRequest;
  /** Same request with body (or signed parts) altered but the signature kept. */
  tamper(req: InboundRequest): InboundRequest;
  /** Same request with the signature removed. */
  unsigned(req: InboundRequest): InboundRequest;
  /** Correctly signed, but the payload is not acceptable. */
  malformedRequest(): InboundRequest;
  /** Outbound message suitable for this channel (default: sampleOutboundMessage()). */
  outboundMessage?(): OutboundMessage;
  /** What the fake provider answers on success (default 200 `{}`). */
  successResponse?: { status: number; body: string | object };
}

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }
  throw new Error('expected a ChannelError, but the call succeeded');
}

export function runAdapterContractSuite<C, S>(name: string, fixture: AdapterContractFixture<C, S>): void {
  describe(`${name} adapter: channel contract`, () => {
    const { adapter } = fixture;
    const outbound = () => fixture.outboundMessage?.() ?? sampleOutboundMessage();
    let fake: HttpFake | undefined;
    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });
    const sendVia = async (f: HttpFake) => adapter.send(outbound(), fixture.context({ fetch: redirectingFetch(f.url) }));

    it('exposes a kind and schemas', () => {
      expect(typeof adapter.kind).toBe('string');
      expect(typeof adapter.credentialsSchema.safeParse).toBe('function');
      expect(typeof adapter.settingsSchema.safeParse).toBe('function');
    });

    it('verifies and parses a valid request into normalized messages', async () => {
      const req = fixture.validRequest();
      const ctx = fixture.context();
      expect(await adapter.verify(req, ctx)).toEqual({ ok: true });
      const parsed = await adapter.parse(req, ctx);
      expect(parsed.messages.length).toBeGreaterThanOrEqual(1);
      expect(Array.isArray(parsed.statuses)).toBe(true);
      for (const m of parsed.messages) {
        expect(typeof m.providerMessageId).toBe('string');
        expect(m.providerMessageId.length).toBeGreaterThan(0);
        expect(m.contact.identities.length).toBeGreaterThanOrEqual(1);
        for (const identity of m.contact.identities) expect(identity.address.length).toBeGreaterThan(0);
        expect(m.occurredAt).toBeInstanceOf(Date);
        expect(Number.isNaN(m.occurredAt.getTime())).toBe(false);
        expect(typeof m.text).toBe('string');
        expect(Array.isArray(m.attachments)).toBe(true);
        expect(typeof m.metadata).toBe('object');
      }
    });

    it('parses deterministically (same request → same provider ids)', async () => {
      const req = fixture.validRequest();
      const ids = async (r: InboundRequest) => (await adapter.parse(r, fixture.context())).messages.map((m) => m.providerMessageId);
      expect(await ids(req)).toEqual(await ids(structuredClone(req)));
      expect(await ids(req)).toEqual(await ids(fixture.validRequest()));
    });

    it('rejects an unsigned request', async () => {
      const result = await adapter.verify(fixture.unsigned(fixture.validRequest()), fixture.context());
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
    });

    it('rejects a tampered request', async () => {
      const result = await adapter.verify(fixture.tamper(fixture.validRequest()), fixture.context());
      expect(result.ok).toBe(false);
    });

    it('throws malformed_payload for a signed but malformed request', async () => {
      const req = fixture.malformedRequest();
      const ctx = fixture.context();
      expect(await adapter.verify(req, ctx)).toEqual({ ok: true });
      let caught: unknown;
      try {
        await adapter.parse(req, ctx);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ChannelError);
      expect((caught as ChannelError).code).toBe('malformed_payload');
      expect((caught as ChannelError).transient).toBe(false);
    });

    it('send returns a provider message id on 2xx', async () => {
      fake = await startFake();
      const ok = fixture.successResponse ?? { status: 200, body: '{}' };
      fake.respondWith(ok.status, ok.body);
      const result = await sendVia(fake);
      expect(typeof result.providerMessageId).toBe('string');
      expect(result.providerMessageId.length).toBeGreaterThan(0);
      expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    });

    it('send throws a transient error on 503', async () => {
      fake = await startFake();
      fake.respondWith(503, 'service unavailable');
      const err = await expectChannelError(sendVia(fake));
      expect(err.transient).toBe(true);
      expect(err.providerStatus).toBe(503);
    });

    it('send throws a permanent error on 400', async () => {
      fake = await startFake();
      fake.respondWith(400, '{"error":"bad request"}');
      const err = await expectChannelError(sendVia(fake));
      expect(err.transient).toBe(false);
      expect(err.providerStatus).toBe(400);
    });

    it('send throws a transient error when the provider is unreachable', async () => {
      const closed = await startFake();
      await closed.close();
      const err = await expectChannelError(
        adapter.send(outbound(), fixture.context({ fetch: redirectingFetch(closed.url) })),
      );
      expect(err.transient).toBe(true);
    });
  });
}
