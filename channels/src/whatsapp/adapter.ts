import { META_REPLY_WINDOW_HOURS } from '../meta/schema.ts';
import { whatsAppCloudAdapter } from '../meta/whatsapp.ts';
import { twilioWhatsAppAdapter } from '../twilio/adapter.ts';
import { providerSwitch } from './provider-switch.ts';

/**
 * The `whatsapp` inbox kind: Meta's Cloud API (`credentials.provider: 'cloud'`, the default) or Twilio
 * (`provider: 'twilio'`). Either way WhatsApp's 24-hour customer-service window applies, and approved message
 * templates may be sent outside it (Cloud API: by name and language; Twilio: as Content API templates).
 */
export const whatsAppAdapter = providerSwitch({
  kind: 'whatsapp',
  providers: { cloud: whatsAppCloudAdapter, twilio: twilioWhatsAppAdapter },
  defaultProvider: 'cloud',
  replyWindowHours: META_REPLY_WINDOW_HOURS,
  supportsTemplates: true,
  recipientIdentityKind: 'phone',
  // Audio and video: 16 MB on both providers (Twilio: every media type). Cloud API images are limited to 5 MB, which
  // Meta reports when it refuses one.
  outboundFileLimits: { maxFileBytes: 16 * 1024 * 1024 },
});
