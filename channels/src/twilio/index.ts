export { createTwilioSmsAdapter, createTwilioWhatsAppAdapter, twilioSmsAdapter, twilioWhatsAppAdapter, type TwilioAdapterOptions } from './adapter.ts';
export { isWhatsAppAddress, phoneFromTwilioAddress, twilioAddress, type TwilioChannel } from './address.ts';
export { isTwilioApiUrl, loadTwilio, resolveTwilioUrl, restAuth, twilioClient, type TwilioContext } from './client.ts';
export { consentOf, HELP_KEYWORDS, OPT_IN_KEYWORDS, OPT_OUT_KEYWORDS } from './consent.ts';
export { describeTwilioError, twilioError, TWILIO_OPTED_OUT_CODE } from './errors.ts';
export { parseTwilioWebhook } from './parse.ts';
export {
  TWILIO_API_BASE_URL,
  twilioSettingsSchema,
  twilioSmsCredentialsSchema,
  twilioWhatsAppCredentialsSchema,
  type TwilioCredentials,
  type TwilioSettings,
  type TwilioSmsCredentials,
  type TwilioWhatsAppCredentials,
} from './schema.ts';
export { MAX_MEDIA, sendTwilioMessage, statusCallbackUrl } from './send.ts';
export { firstParam, formParams, TWILIO_SIGNATURE_HEADER, TWILIO_SIGNATURE_SETTINGS_HEADER, verifyTwilioRequest, type FormParams } from './signature.ts';
export { testTwilioConnection } from './connection.ts';
export { fetchTwilioMedia } from './media.ts';
export { CONTENT_SID, twilioContentOf, type TwilioContent } from './content.ts';
