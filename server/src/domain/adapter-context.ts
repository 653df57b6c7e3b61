import type { AdapterContext, ChannelAdapter, InboxKind } from '@switchboard/channels';

/** An inbox row as the adapters need it: sealed credentials, raw settings. */
export interface InboxForAdapter {
  id: string;
  publicToken: string;
  kind: InboxKind;
  credentials: string | null;
  settings: unknown;
}

/**
 * The one way an inbox row becomes an adapter context: open the sealed credentials, validate credentials and
 * settings with the adapter's own schemas (throws the zod error when they no longer validate).
 */
export function adapterContext(
  adapter: ChannelAdapter,
  inbox: InboxForAdapter,
  open: (sealed: string) => unknown,
  fetchImpl: typeof fetch,
  /** PUBLIC_URL: adapters build callback URLs from it (Twilio's StatusCallback). */
  publicUrl?: string,
): AdapterContext {
  return {
    inbox: { id: inbox.id, publicToken: inbox.publicToken, kind: inbox.kind },
    credentials: adapter.credentialsSchema.parse(inbox.credentials ? open(inbox.credentials) : {}),
    settings: adapter.settingsSchema.parse(inbox.settings ?? {}),
    fetch: fetchImpl,
    now: () => new Date(),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}
