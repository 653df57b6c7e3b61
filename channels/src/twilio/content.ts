/**
 * WhatsApp templates through Twilio's Content API: a template is a Content resource (`HX…`), approved by WhatsApp,
 * sent with `ContentSid` and `ContentVariables` (a JSON object of its placeholders: `{"1": "#4711"}` for `{{1}}`).
 *
 * `OutboundTemplate.name` is the Content SID itself, or a name the admin maps to one in the inbox's settings
 * (`contentTemplates: { "order_update": "HX…", "order_update:de": "HX…" }`, `name:language` first), so agents can
 * use the same template names as on the Cloud API. Variables come from the components: a Twilio-style
 * `{ type: "variables", variables: { "1": "…", "name": "…" } }`, or a Meta-style body component whose text
 * parameters fill `{{1}}`, `{{2}}`… in order (or `{{parameter_name}}`).
 */
import { ChannelError, type OutboundTemplate } from '../contract.ts';
import type { TwilioSettings } from './schema.ts';

export const CONTENT_SID = /^HX[0-9a-fA-F]{32}$/;

export interface TwilioContent {
  contentSid: string;
  /** JSON of the variables, absent when the template has none. */
  contentVariables?: string;
}

const refuse = (code: string, message: string) => new ChannelError(code, message, { transient: false });

function contentSidOf(template: OutboundTemplate, settings: TwilioSettings): string {
  if (CONTENT_SID.test(template.name)) return template.name;
  const mapped = settings.contentTemplates?.[`${template.name}:${template.language}`] ?? settings.contentTemplates?.[template.name];
  if (mapped) return mapped;
  throw refuse(
    'template_not_found',
    `No Twilio Content template "${template.name}" (${template.language}): send its Content SID (HX…) as the name, or map the name in the inbox settings (contentTemplates)`,
  );
}

const scalar = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null);

function variablesOf(components: Array<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of components) {
    if (c.type === 'variables' && c.variables && typeof c.variables === 'object') {
      for (const [key, value] of Object.entries(c.variables as Record<string, unknown>)) {
        const text = scalar(value);
        if (text === null) throw refuse('rejected', `Template variable "${key}" must be text`);
        out[key] = text;
      }
    } else if (c.type === 'body' && Array.isArray(c.parameters)) {
      (c.parameters as Array<Record<string, unknown>>).forEach((p, i) => {
        const text = scalar(p.text);
        if (p.type !== 'text' || text === null) throw refuse('rejected', `Body parameter ${i + 1}: Twilio Content variables are text`);
        out[typeof p.parameter_name === 'string' ? p.parameter_name : String(i + 1)] = text;
      });
    } else {
      // Meta numbers header and button parameters per component; Twilio's variables span the whole template.
      throw refuse('rejected', `Template component "${String(c.type)}" has no Twilio equivalent: give the Content variables as { "type": "variables", "variables": { "1": "…" } }`);
    }
  }
  return out;
}

/** The Content SID and variables a template is sent with. Throws a permanent ChannelError for an unknown name or unusable components. */
export function twilioContentOf(template: OutboundTemplate, settings: TwilioSettings): TwilioContent {
  const contentSid = contentSidOf(template, settings);
  const variables = variablesOf(template.components ?? []);
  return { contentSid, ...(Object.keys(variables).length ? { contentVariables: JSON.stringify(variables) } : {}) };
}
