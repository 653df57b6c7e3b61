export * from './contract.ts';
export { getAdapter, listAdapterKinds, registerAdapter } from './registry.ts';
export * from './util/index.ts';
export * from './api/index.ts';
export * from './email/index.ts';
export * from './webchat/index.ts';
