// The chat widget: `<script src="https://<switchboard>/widget.js" data-inbox="<inbox public token>" async></script>`.
// It mounts a launcher and a chat window in a shadow root (no CSS in or out) on any site, and talks to the
// Switchboard server the script came from. Optional: `window.SwitchboardChat = { userId, userHash, email,
// emailHash, name }` (or the same as data-user-id, data-user-hash, data-email, data-email-hash, data-name) for
// a logged-in customer; after load, `SwitchboardChat.open()`, `.close()`, `.identify({...} | null)`, `.logout()`.
import { mount } from 'svelte';
import type { WidgetIdentity } from '@switchboard/server/contracts';
import App from './App.svelte';
import { Chat } from './chat.svelte.ts';

interface PageConfig {
  userId?: string;
  userHash?: string;
  email?: string;
  emailHash?: string;
  name?: string;
}

export interface SwitchboardChatApi {
  open(): void;
  close(): void;
  identify(identity: WidgetIdentity | null): void;
  logout(): void;
}

declare global {
  interface Window {
    SwitchboardChat?: PageConfig & Partial<SwitchboardChatApi>;
  }
}

function identityOf(page: PageConfig, data: DOMStringMap): WidgetIdentity | null {
  const pick = (key: keyof PageConfig & string, attr: string) => {
    const v = page[key] ?? data[attr];
    return typeof v === 'string' && v ? v : undefined;
  };
  const userId = pick('userId', 'userId');
  const userHash = pick('userHash', 'userHash');
  if (!userId || !userHash) return null;
  const email = pick('email', 'email');
  const emailHash = pick('emailHash', 'emailHash');
  const name = pick('name', 'name');
  return { userId, userHash, ...(email && { email }), ...(emailHash && { emailHash }), ...(name && { name }) };
}

function start(script: HTMLScriptElement): void {
  const inbox = script.dataset.inbox;
  if (!inbox) {
    console.error('Switchboard chat: the script tag needs data-inbox="<the inbox public token>"');
    return;
  }
  const page: PageConfig & Partial<SwitchboardChatApi> = window.SwitchboardChat ?? {};
  const chat = new Chat(new URL(script.src, location.href).origin, inbox, identityOf(page, script.dataset));
  // A custom element page styles rarely target; its own inline styles win over the page's.
  const host = document.createElement('switchboard-chat');
  host.style.cssText = 'all:initial!important;position:fixed!important;z-index:2147483000!important;';
  const shadow = host.attachShadow({ mode: 'open' });
  document.body.appendChild(host);
  mount(App, { target: shadow, props: { chat } });
  window.SwitchboardChat = Object.assign(page, {
    open: () => chat.setOpen(true),
    close: () => chat.setOpen(false),
    identify: (identity: WidgetIdentity | null) => chat.identify(identity),
    logout: () => chat.logout(),
  } satisfies SwitchboardChatApi);
  chat.init().catch((err: unknown) => console.error('Switchboard chat: could not load', err));
}

const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-inbox][src*="widget.js"]');
if (script) {
  if (document.body) start(script);
  else document.addEventListener('DOMContentLoaded', () => start(script), { once: true });
}
