import type { ConsentChange } from '../contract.ts';

/** Twilio's default opt-out keywords (a message that is exactly one of them, any case, surrounding blanks ignored). */
export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

const BY_KEYWORD = new Map<string, ConsentChange['change']>([
  ...OPT_OUT_KEYWORDS.map((k) => [k, 'opted_out'] as const),
  ...OPT_IN_KEYWORDS.map((k) => [k, 'opted_in'] as const),
  ...HELP_KEYWORDS.map((k) => [k, 'help'] as const),
]);

/** Twilio's `OptOutType` (Advanced Opt-Out on a Messaging Service: custom keywords included). */
const BY_OPT_OUT_TYPE: Record<string, ConsentChange['change']> = { STOP: 'opted_out', START: 'opted_in', HELP: 'help' };

/**
 * The consent change a message expresses: Twilio's `OptOutType` when present (it knows the service's custom
 * keywords), else the body when it is exactly one of the default keywords ("stop please" is just a message).
 */
export function consentOf(body: string, optOutType: string | undefined): ConsentChange | undefined {
  const keyword = body.trim().toUpperCase().slice(0, 50);
  const byType = optOutType ? BY_OPT_OUT_TYPE[optOutType.trim().toUpperCase()] : undefined;
  if (byType) return { change: byType, keyword: keyword || optOutType!.trim().toUpperCase() };
  const byBody = BY_KEYWORD.get(keyword);
  return byBody ? { change: byBody, keyword } : undefined;
}
