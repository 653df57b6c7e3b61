export { apiAdapter, createApiAdapter, type ApiAdapterOptions } from './adapter.ts';
export { apiIdentityAddress, parseApiInbound } from './parse.ts';
export {
  apiCredentialsSchema,
  apiInboundSchema,
  apiSettingsSchema,
  type ApiCredentials,
  type ApiInboundPayload,
  type ApiSettings,
} from './schema.ts';
export { buildWebhookBody, MESSAGE_CREATED, sendApiWebhook, type ApiWebhookBody } from './send.ts';
export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signApiPayload, verifyApiSignature } from './signature.ts';
