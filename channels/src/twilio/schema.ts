import { z } from 'zod';
import { normalizePhone } from '../util/normalize.ts';

/** Twilio's REST API; `settings.apiBaseUrl` replaces it (a proxy, or a local fake in tests). */
export const TWILIO_API_BASE_URL = 'https://api.twilio.com';

/** Empty strings (a cleared form field) count as absent. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const sid = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be ${what} (${prefix} followed by 32 hex digits)`);

const secret = z.string().trim().min(8, 'too short').max(256);

const e164 = z
  .string()
  .max(64)
  .transform((v, ctx) => {
    const normalized = normalizePhone(v.replace(/^whatsapp:/i, ''));
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'must be a phone number in E.164 format, e.g. +14155552671' });
      return z.NEVER;
    }
    return normalized;
  });

const shape = {
  /** Account SID (AC…): the account messages are sent from and webhooks come for. */
  accountSid: sid('AC', 'an Account SID'),
  /** Auth token: REST authentication (unless an API key is given) and the key Twilio signs webhooks with. */
  authToken: optional(secret),
  /** API key (SK…) and its secret: REST authentication instead of the auth token. */
  apiKeySid: optional(sid('SK', 'an API key SID')),
  apiKeySecret: optional(secret),
  /** Secret of a Twilio webhook SharedKey: verifies webhooks Twilio signs with it (X-Twilio-Webhooks-Signature-Settings). */
  webhookSigningKey: optional(secret),
  /** The sender: a Twilio number in E.164 (for WhatsApp: the WhatsApp-enabled number, without `whatsapp:`)… */
  phoneNumber: optional(e164),
  /** …or a Messaging Service (MG…) that picks the sender. Used for sending when both are given. */
  messagingServiceSid: optional(sid('MG', 'a Messaging Service SID')),
};

type Shape = z.output<z.ZodObject<typeof shape>>;

function requireUsable(c: Shape, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (Boolean(c.apiKeySid) !== Boolean(c.apiKeySecret)) {
    issue(c.apiKeySid ? 'apiKeySecret' : 'apiKeySid', 'an API key needs both its SID and its secret');
  }
  if (!c.authToken && !(c.apiKeySid && c.apiKeySecret)) {
    issue('authToken', 'give the auth token, or an API key SID and secret');
  }
  if (!c.authToken && !c.webhookSigningKey) {
    issue('authToken', 'webhooks are verified with the auth token (or a webhook signing key): give one of them');
  }
  if (!c.phoneNumber && !c.messagingServiceSid) {
    issue('phoneNumber', 'give the sending phone number or a Messaging Service SID');
  }
}

export const twilioSmsCredentialsSchema = z
  .object({ provider: z.literal('twilio').optional(), ...shape })
  .superRefine(requireUsable);
export type TwilioSmsCredentials = z.output<typeof twilioSmsCredentialsSchema>;

/** The `whatsapp` kind is shared with WhatsApp Cloud (Meta): `provider: 'twilio'` says which one. */
export const twilioWhatsAppCredentialsSchema = z
  .object({ provider: z.literal('twilio'), ...shape })
  .superRefine(requireUsable);
export type TwilioWhatsAppCredentials = z.output<typeof twilioWhatsAppCredentialsSchema>;

export type TwilioCredentials = TwilioSmsCredentials | TwilioWhatsAppCredentials;

export const twilioSettingsSchema = z.looseObject({
  /** Base URL of Twilio's REST API (default https://api.twilio.com): every *.twilio.com call goes there instead. */
  apiBaseUrl: optional(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, ''))),
  /**
   * WhatsApp templates by name: `{ "order_update": "HX…", "order_update:de": "HX…" }` maps a template name (or
   * `name:language`) to the Content SID (Twilio Content API) it is sent with. A name that is a Content SID needs none.
   */
  contentTemplates: optional(z.record(z.string().trim().min(1).max(200), sid('HX', 'a Content SID'))),
});
export type TwilioSettings = z.output<typeof twilioSettingsSchema>;
