import type { AdapterContext, ChannelAdapter, InboxKind } from '@switchboard/channels';

/** An inbox row as the adapters need it: sealed credentials, raw settings. */
export interface InboxForAdapter {
  id: string;
  publicToken: string;
  kind: InboxKind;
  credentials: string | null;
  settings: unknown;
}

/** The URL providers call for an inbox's webhooks (shown to admins, registered by adapters that can). */
export function webhookUrlOf(publicUrl: string, kind: InboxKind, publicToken: string): string {
  return `${publicUrl}/webhooks/${kind}/${publicToken}`;
}

/** A context from credentials and settings already validated by the adapter's schemas. */
export function validatedContext(
  inbox: { id: string; publicToken: string; kind: InboxKind },
  credentials: unknown,
  settings: unknown,
  fetchImpl: typeof fetch,
  publicUrl?: string,
): AdapterContext {
  return {
    inbox: { id: inbox.id, publicToken: inbox.publicToken, kind: inbox.kind },
    credentials,
    settings,
    fetch: fetchImpl,
    now: () => new Date(),
    ...(publicUrl !== undefined && { publicUrl, webhookUrl: webhookUrlOf(publicUrl, inbox.kind, inbox.publicToken) }),
  };
}

/**
 * The one way an inbox row becomes an adapter context: open the sealed credentials, validate credentials and
 * settings with the adapter's own schemas (throws the zod error when they no longer validate). With `publicUrl`
 * the context carries the inbox's webhook URL.
 */
export function adapterContext(
  adapter: ChannelAdapter,
  inbox: InboxForAdapter,
  open: (sealed: string) => unknown,
  fetchImpl: typeof fetch,
  publicUrl?: string,
): AdapterContext {
  const credentials = adapter.credentialsSchema.parse(inbox.credentials ? open(inbox.credentials) : {});
  return validatedContext(inbox, credentials, adapter.settingsSchema.parse(inbox.settings ?? {}), fetchImpl, publicUrl);
}
