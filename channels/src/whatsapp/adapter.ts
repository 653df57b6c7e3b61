import { META_REPLY_WINDOW_HOURS } from '../meta/schema.ts';
import { whatsAppCloudAdapter } from '../meta/whatsapp.ts';
import { twilioWhatsAppAdapter } from '../twilio/adapter.ts';
import { providerSwitch } from './provider-switch.ts';

/**
 * The `whatsapp` inbox kind: Meta's Cloud API (`credentials.provider: 'cloud'`, the default) or Twilio
 * (`provider: 'twilio'`). Either way WhatsApp's 24-hour customer-service window applies; message templates go
 * out through the Cloud API only (a template reply on a Twilio inbox fails with the reason).
 */
export const whatsAppAdapter = providerSwitch({
  kind: 'whatsapp',
  providers: { cloud: whatsAppCloudAdapter, twilio: twilioWhatsAppAdapter },
  defaultProvider: 'cloud',
  replyWindowHours: META_REPLY_WINDOW_HOURS,
  supportsTemplates: true,
  recipientIdentityKind: 'phone',
});
