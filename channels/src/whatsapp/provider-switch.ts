import { z } from 'zod';
import type { AdapterContext, ChannelAdapter, ConnectionCheck, IdentityKind, InboxKind } from '../contract.ts';
import { malformed } from '../util/errors.ts';

// Providers are stored type-erased, like the registry's adapters: each validates its own credentials/settings.
type AnyAdapter = ChannelAdapter<any, any>;

export interface ProviderSwitchOptions {
  kind: InboxKind;
  /** The adapters by `credentials.provider` value. */
  providers: Record<string, AnyAdapter>;
  /** The provider of credentials that name none. */
  defaultProvider: string;
  /** Properties the kind has whatever the provider (WhatsApp: the 24-hour window). */
  replyWindowHours?: number;
  supportsTemplates?: boolean;
  recipientIdentityKind?: IdentityKind;
  outboundFileLimits?: ChannelAdapter['outboundFileLimits'];
}

type SwitchCredentials = { provider: string } & Record<string, unknown>;
type SwitchSettings = Record<string, unknown>;

/**
 * One inbox kind served by several providers (WhatsApp: Meta's Cloud API or Twilio). `credentials.provider`
 * picks the adapter; its own schemas validate the credentials (when saved) and the settings (when used), and
 * every call goes to it with a context of its own types. The server sees one adapter per kind.
 */
export function providerSwitch(opts: ProviderSwitchOptions): ChannelAdapter<SwitchCredentials, SwitchSettings> {
  const names = Object.keys(opts.providers);
  const credentialsSchema = z
    .looseObject({ provider: z.enum(names as [string, ...string[]]).default(opts.defaultProvider) })
    .transform((value, zctx) => {
      const parsed = opts.providers[value.provider]!.credentialsSchema.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) zctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
        return z.NEVER;
      }
      return { ...(parsed.data as Record<string, unknown>), provider: value.provider } as SwitchCredentials;
    });

  const pick = (ctx: AdapterContext<SwitchCredentials, SwitchSettings>): { adapter: AnyAdapter; ctx: AdapterContext } => {
    const adapter = opts.providers[ctx.credentials.provider];
    if (!adapter) throw malformed(`Unknown ${opts.kind} provider "${ctx.credentials.provider}"`);
    return { adapter, ctx: { ...ctx, settings: adapter.settingsSchema.parse(ctx.settings ?? {}) } };
  };
  /** For the calls that must not throw: a bad settings object is a failed check, not a crash. */
  const check = async (
    ctx: AdapterContext<SwitchCredentials, SwitchSettings>,
    call: (a: AnyAdapter, c: AdapterContext) => Promise<ConnectionCheck> | undefined,
  ): Promise<ConnectionCheck> => {
    try {
      const p = pick(ctx);
      return (await call(p.adapter, p.ctx)) ?? { ok: true };
    } catch (err) {
      return { ok: false, problem: 'unknown', message: err instanceof Error ? err.message : String(err) };
    }
  };

  return {
    kind: opts.kind,
    credentialsSchema: credentialsSchema as unknown as z.ZodType<SwitchCredentials>,
    settingsSchema: z.record(z.string(), z.unknown()),
    ...(opts.replyWindowHours !== undefined ? { replyWindowHours: opts.replyWindowHours } : {}),
    ...(opts.supportsTemplates !== undefined ? { supportsTemplates: opts.supportsTemplates } : {}),
    ...(opts.outboundFileLimits !== undefined ? { outboundFileLimits: opts.outboundFileLimits } : {}),
    ...(opts.recipientIdentityKind !== undefined ? { recipientIdentityKind: opts.recipientIdentityKind } : {}),
    acknowledge: (outcome, ctx) => {
      const p = pick(ctx);
      return p.adapter.acknowledge?.(outcome, p.ctx) ?? { status: 200, body: JSON.stringify({ ok: true, ...outcome }), contentType: 'application/json' };
    },
    handshake: (req, ctx) => {
      const p = pick(ctx);
      return p.adapter.handshake?.(req, p.ctx) ?? null;
    },
    verify: (req, ctx) => {
      try {
        const p = pick(ctx);
        return p.adapter.verify(req, p.ctx);
      } catch (err) {
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
    replayKey: (req, ctx) => {
      try {
        const p = pick(ctx);
        return p.adapter.replayKey?.(req, p.ctx) ?? null;
      } catch {
        return null;
      }
    },
    parse: (req, ctx) => {
      const p = pick(ctx);
      return p.adapter.parse(req, p.ctx);
    },
    send: (msg, ctx) => {
      const p = pick(ctx);
      return p.adapter.send(msg, p.ctx);
    },
    fetchAttachment: async (url, ctx) => {
      const p = pick(ctx);
      if (p.adapter.fetchAttachment) return p.adapter.fetchAttachment(url, p.ctx);
      return ctx.fetch(url);
    },
    testConnection: (ctx) => check(ctx, (a, c) => a.testConnection?.(c)),
    connect: (ctx) => check(ctx, (a, c) => a.connect?.(c)),
    disconnect: (ctx) => check(ctx, (a, c) => a.disconnect?.(c)),
  };
}
