export { whatsAppAdapter } from './adapter.ts';
export { providerSwitch, type ProviderSwitchOptions } from './provider-switch.ts';
