/**
 * Behaviour every channel adapter must show. Each adapter's test file calls
 * `runAdapterContractSuite('sms', fixture)` and then adds its own specific tests.
 *
 * Inbound: webhook adapters give signed requests (the default); adapters fed raw bytes (email) give `inbound: 'raw'`
 * with `validRaw()`/`malformedRaw()`. Outbound goes through a {@link ProviderHarness}: an HTTP fake by default,
 * or whatever `provider()` returns (the SMTP fake for email).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelError, type AdapterContext, type ChannelAdapter, type InboundMessage, type InboundRequest, type OutboundMessage } from './contract.ts';
import { Readable } from 'node:stream';
import { sampleOutboundMessage } from './testing/fixtures.ts';
import { memorySink } from './testing/memory-sink.ts';
import { httpProviderHarness, type ProviderHarness } from './testing/provider-harness.ts';

interface CommonFixture<C, S> {
  adapter: ChannelAdapter<C, S>;
  /** A context with valid credentials; `fetch` overrides the outbound fetch. */
  context(overrides?: { fetch?: typeof fetch }): AdapterContext<C, S>;
  /** Outbound message suitable for this channel (default: sampleOutboundMessage()). */
  outboundMessage?(): OutboundMessage;
  /** The fake provider sends go to (default: an HTTP fake wired through `context({ fetch })`). */
  provider?(): Promise<ProviderHarness<C, S>>;
  /** What the default HTTP fake answers on success (default 200 `{}`). */
  successResponse?: { status: number; body: string | object };
  /**
   * Channels without a provider to call (webchat: the server pushes replies to the visitor itself) say
   * `local`: send must confirm without any network call, give a retry of a message the same id, and refuse
   * a recipient the channel cannot reach (`unreachable()`) permanently.
   */
  delivery?: { kind: 'local'; unreachable(): OutboundMessage };
}

export interface WebhookInboundFixture {
  inbound?: 'webhook';
  /** A correctly signed inbound request containing at least one message. */
  validRequest(): InboundRequest;
  /** Same request with body (or signed parts) altered but the signature kept. */
  tamper(req: InboundRequest): InboundRequest;
  /** Same request with the signature removed. */
  unsigned(req: InboundRequest): InboundRequest;
  /** Correctly signed, but the payload is not acceptable. */
  malformedRequest(): InboundRequest;
}

export interface RawInboundFixture {
  inbound: 'raw';
  /** Raw bytes (e.g. one RFC 5322 mail) holding at least one message. */
  validRaw(): Uint8Array;
  /** Raw bytes parseRaw must refuse with malformed_payload. */
  malformedRaw(): Uint8Array;
}

export type AdapterContractFixture<C, S> = CommonFixture<C, S> & (WebhookInboundFixture | RawInboundFixture);

async function expectChannelError(promise: Promise<unknown>): Promise<ChannelError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    return err as ChannelError;
  }
  throw new Error('expected a ChannelError, but the call succeeded');
}

function expectNormalized(messages: InboundMessage[]): void {
  expect(messages.length).toBeGreaterThanOrEqual(1);
  for (const m of messages) {
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
}

function expectMalformed(err: unknown): void {
  expect(err).toBeInstanceOf(ChannelError);
  expect((err as ChannelError).code).toBe('malformed_payload');
  expect((err as ChannelError).transient).toBe(false);
}

function webhookInboundTests<C, S>(fixture: CommonFixture<C, S> & WebhookInboundFixture): void {
  const { adapter } = fixture;

  it('verifies and parses a valid request into normalized messages', async () => {
    const req = fixture.validRequest();
    const ctx = fixture.context();
    expect(await adapter.verify(req, ctx)).toEqual({ ok: true });
    const parsed = await adapter.parse(req, ctx);
    expect(Array.isArray(parsed.statuses)).toBe(true);
    expectNormalized(parsed.messages);
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
    expectMalformed(await Promise.resolve().then(() => adapter.parse(req, ctx)).then(() => undefined, (e: unknown) => e));
  });

  const replayKey = adapter.replayKey?.bind(adapter);
  if (replayKey) {
    it('gives a delivery the same replay key every time, and never throws', () => {
      const req = fixture.validRequest();
      const key = replayKey(req, fixture.context());
      expect(typeof key).toBe('string');
      expect(key?.length).toBeGreaterThan(0);
      expect(replayKey(structuredClone(req), fixture.context())).toBe(key);
      const malformed = replayKey(fixture.malformedRequest(), fixture.context());
      expect(malformed === null || typeof malformed === 'string').toBe(true);
    });
  }
}

function rawInboundTests<C, S>(fixture: CommonFixture<C, S> & RawInboundFixture): void {
  const { adapter } = fixture;
  const parseRaw = (raw: Uint8Array) => {
    if (!adapter.parseRaw) throw new Error(`${adapter.kind} adapter declares raw inbound but has no parseRaw`);
    return adapter.parseRaw(raw, fixture.context());
  };

  it('parses valid raw input into normalized messages', async () => {
    const parsed = await parseRaw(fixture.validRaw());
    expect(Array.isArray(parsed.statuses)).toBe(true);
    expectNormalized(parsed.messages);
  });

  it('parses raw input deterministically (same bytes → same provider ids)', async () => {
    const ids = async (raw: Uint8Array) => (await parseRaw(raw)).messages.map((m) => m.providerMessageId);
    const raw = fixture.validRaw();
    expect(await ids(raw)).toEqual(await ids(raw.slice()));
    expect(await ids(raw)).toEqual(await ids(fixture.validRaw()));
  });

  it('throws malformed_payload for malformed raw input', async () => {
    expectMalformed(await parseRaw(fixture.malformedRaw()).then(() => undefined, (e: unknown) => e));
  });

  if (adapter.parseStream) {
    const parseStream = adapter.parseStream.bind(adapter);
    const stream = (raw: Uint8Array) => Readable.from([Buffer.from(raw)]);

    it('parseStream gives what parseRaw gives (files handed to the sink instead of held)', async () => {
      const raw = fixture.validRaw();
      const mem = memorySink();
      const streamed = await parseStream(stream(raw), fixture.context(), mem.sink);
      const whole = await parseRaw(raw);
      expectNormalized(streamed.messages);
      const files = (p: typeof whole) => p.messages.map((m) => m.attachments.map((a) => [a.name, a.size]));
      expect(streamed.messages.map((m) => ({ ...m, attachments: [] }))).toEqual(whole.messages.map((m) => ({ ...m, attachments: [] })));
      expect(files(streamed)).toEqual(files(whole));
      expect(streamed.messages.flatMap((m) => m.attachments).every((a) => a.content === undefined)).toBe(true);
    });

    it('parseStream throws malformed_payload for malformed raw input', async () => {
      expectMalformed(await parseStream(stream(fixture.malformedRaw()), fixture.context(), memorySink().sink).then(() => undefined, (e: unknown) => e));
    });
  }
}

function localDeliveryTests<C, S>(fixture: CommonFixture<C, S>, unreachable: () => OutboundMessage, outbound: () => OutboundMessage): void {
  const { adapter } = fixture;
  let calls = 0;
  const noNetwork = (() => {
    calls++;
    return Promise.reject(new Error('a local channel must not call the network'));
  }) as typeof fetch;

  it('send confirms with a provider message id, without any network call', async () => {
    calls = 0;
    const result = await adapter.send(outbound(), fixture.context({ fetch: noNetwork }));
    expect(typeof result.providerMessageId).toBe('string');
    expect(result.providerMessageId.length).toBeGreaterThan(0);
    expect(calls).toBe(0);
  });

  it('send gives a retry of the same message the same provider id', async () => {
    const first = await adapter.send(outbound(), fixture.context({ fetch: noNetwork }));
    const again = await adapter.send(outbound(), fixture.context({ fetch: noNetwork }));
    expect(again.providerMessageId).toBe(first.providerMessageId);
  });

  it('send refuses a recipient the channel cannot reach, permanently', async () => {
    const err = await expectChannelError(adapter.send(unreachable(), fixture.context({ fetch: noNetwork })));
    expect(err.transient).toBe(false);
  });
}

function providerDeliveryTests<C, S>(fixture: CommonFixture<C, S>, outbound: () => OutboundMessage): void {
  const { adapter } = fixture;
  const startProvider = () =>
    fixture.provider?.() ?? httpProviderHarness((fetch) => fixture.context({ fetch }), fixture.successResponse);
  let provider: ProviderHarness<C, S> | undefined;
  afterEach(async () => {
    await provider?.close();
    provider = undefined;
  });
  const send = async (p: ProviderHarness<C, S>) => adapter.send(outbound(), p.context());

  it('send returns a provider message id on success', async () => {
    provider = await startProvider();
    provider.succeed();
    const result = await send(provider);
    expect(typeof result.providerMessageId).toBe('string');
    expect(result.providerMessageId.length).toBeGreaterThan(0);
    expect(provider.attempts()).toBeGreaterThanOrEqual(1);
  });

  it('send throws a transient error when the provider fails temporarily', async () => {
    provider = await startProvider();
    provider.failTransient();
    const err = await expectChannelError(send(provider));
    expect(err.transient).toBe(true);
    expect(err.providerStatus).toBe(provider.transientStatus);
  });

  it('send throws a permanent error when the provider refuses', async () => {
    provider = await startProvider();
    provider.failPermanent();
    const err = await expectChannelError(send(provider));
    expect(err.transient).toBe(false);
    expect(err.providerStatus).toBe(provider.permanentStatus);
  });

  it('send throws a transient error when the provider is unreachable', async () => {
    provider = await startProvider();
    await provider.unreachable();
    const err = await expectChannelError(send(provider));
    expect(err.transient).toBe(true);
  });
}

export function runAdapterContractSuite<C, S>(name: string, fixture: AdapterContractFixture<C, S>): void {
  describe(`${name} adapter: channel contract`, () => {
    const { adapter } = fixture;
    const outbound = () => fixture.outboundMessage?.() ?? sampleOutboundMessage();

    it('exposes a kind and schemas', () => {
      expect(typeof adapter.kind).toBe('string');
      expect(typeof adapter.credentialsSchema.safeParse).toBe('function');
      expect(typeof adapter.settingsSchema.safeParse).toBe('function');
    });

    if (fixture.inbound === 'raw') rawInboundTests(fixture);
    else webhookInboundTests(fixture);

    if (fixture.delivery?.kind === 'local') localDeliveryTests(fixture, fixture.delivery.unreachable, outbound);
    else providerDeliveryTests(fixture, outbound);
  });
}
