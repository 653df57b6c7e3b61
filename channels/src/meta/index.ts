export { instagramAdapter } from './instagram.ts';
export { messengerAdapter } from './messenger.ts';
export { whatsAppCloudAdapter } from './whatsapp.ts';
export { connectionProblem, testGraphObject } from './connection.ts';
export { parseMetaBody, type MetaObject } from './envelope.ts';
export { checkMetaFreshness, META_MAX_EVENT_AGE_HOURS, newestMetaEventTime } from './freshness.ts';
export { describeGraphError, GraphApiError, graphCall, graphError, graphRoot, isGraphUrl, type GraphErrorBody, type GraphRequest, type MetaContext } from './graph.ts';
export { baseMimeType, extensionFor, fetchMetaAttachment, mediaInfoUrl, uploadMessagingAttachment, uploadWhatsAppMedia } from './media.ts';
export { parseMessagingWebhook, scopedAddress, type MessagingParseOptions } from './messaging-parse.ts';
export { sendMessagingMessage } from './messaging-send.ts';
export { chunkText } from './outbound.ts';
export { fetchInstagramProfile, fetchMessengerProfile } from './profile.ts';
export { reactionText, type ReactionMetadata } from './reactions.ts';
export {
  DEFAULT_GRAPH_BASE_URL,
  DEFAULT_GRAPH_VERSION,
  META_REPLY_WINDOW_HOURS,
  instagramCredentialsSchema,
  messengerCredentialsSchema,
  metaSettingsSchema,
  whatsAppCloudCredentialsSchema,
  type InstagramCredentials,
  type MessengerCredentials,
  type MetaCredentials,
  type MetaSettings,
  type WhatsAppCloudCredentials,
} from './schema.ts';
export { META_SIGNATURE_HEADER, metaHandshake, signMetaPayload, verifyMetaSignature } from './signature.ts';
export { describeWhatsAppError, parseWhatsAppWebhook, whatsAppPhone } from './whatsapp-parse.ts';
export { sendWhatsAppMessage, whatsAppMediaType } from './whatsapp-send.ts';
