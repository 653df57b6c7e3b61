import { apiAdapter } from './api/adapter.ts';
import { emailAdapter } from './email/adapter.ts';
import { instagramAdapter } from './meta/instagram.ts';
import { messengerAdapter } from './meta/messenger.ts';
import { slackAdapter } from './slack/adapter.ts';
import { telegramAdapter } from './telegram/adapter.ts';
import { twilioSmsAdapter } from './twilio/adapter.ts';
import { whatsAppAdapter } from './whatsapp/adapter.ts';
import { webchatAdapter } from './webchat/adapter.ts';
import type { ChannelAdapter, InboxKind } from './contract.ts';

// Adapters are stored type-erased: the server validates credentials/settings with
// the adapter's own schemas before building a context, so C/S line up at runtime.
type AnyAdapter = ChannelAdapter<any, any>;

const adapters = new Map<InboxKind, AnyAdapter>();

/** Registers (or replaces) the adapter for its `kind`. */
export function registerAdapter(adapter: AnyAdapter): void {
  adapters.set(adapter.kind, adapter);
}

export function getAdapter(kind: InboxKind): ChannelAdapter | undefined {
  return adapters.get(kind);
}

/** Kinds with an adapter available (e.g. to offer in the "new inbox" UI). */
export function listAdapterKinds(): InboxKind[] {
  return [...adapters.keys()];
}

registerAdapter(apiAdapter);
registerAdapter(emailAdapter);
registerAdapter(messengerAdapter);
registerAdapter(instagramAdapter);
registerAdapter(whatsAppAdapter);
registerAdapter(slackAdapter);
registerAdapter(telegramAdapter);
registerAdapter(twilioSmsAdapter);
registerAdapter(webchatAdapter);
