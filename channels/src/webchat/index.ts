export { webchatAdapter } from './adapter.ts';
export { reachableByWidget, userAddress, visitorAddress, visitorContact, visitorIdentities } from './identity.ts';
export { CLIENT_ID, parseWidgetInbound, verifyWidgetRequest, VISITOR_HEADER, visitorOf, widgetInboundSchema, type WebchatContext, type WidgetInbound } from './parse.ts';
export {
  DEFAULT_ATTACHMENT_TYPES,
  REPLY_TIMES,
  webchatCredentialsSchema,
  webchatSettingsSchema,
  type WebchatCredentials,
  type WebchatSettings,
} from './schema.ts';
export { sendWebchat } from './send.ts';
export {
  fileSignature,
  identityHash,
  issueVisitorToken,
  readUploadReceipt,
  readVisitorToken,
  signUploadReceipt,
  verifyFileSignature,
  verifyIdentityHash,
  VISITOR_TOKEN_MAX_AGE_SECONDS,
  type UploadReceipt,
  type VisitorClaims,
} from './tokens.ts';
