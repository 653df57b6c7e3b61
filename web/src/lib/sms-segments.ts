// How many SMS segments a text costs. GSM-7 (the GSM 03.38 alphabet) fits 160 characters in one SMS and 153
// per segment of a longer one; the extension table (€ [ ] { } \ ^ ~ | and form feed) takes two each (escape +
// character). Any other character makes the whole text UCS-2: 70 in one SMS, 67 per segment, and characters
// outside the Basic Multilingual Plane (most emoji) take two. A segment never splits an escape pair or a
// surrogate pair, so a long text may need one segment more than units / per-segment.

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';

const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsCount {
  encoding: SmsEncoding;
  /** Units the text takes: septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
  /** Segments (SMS) the text is sent as; 0 for an empty text. */
  segments: number;
  /** Units per segment at this length: 160/70 for a single SMS, 153/67 once it is split. */
  perSegment: number;
  /** Units left in the last segment before another one is needed. */
  remaining: number;
}

const LIMITS: Record<SmsEncoding, { single: number; multi: number }> = {
  'GSM-7': { single: 160, multi: 153 },
  'UCS-2': { single: 70, multi: 67 },
};

/** The unit cost of each character (code point) of `text` in `encoding`. */
function costs(text: string, encoding: SmsEncoding): number[] {
  return Array.from(text, (ch) => (encoding === 'GSM-7' ? (extension.has(ch) ? 2 : 1) : ch.length));
}

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!basic.has(ch) && !extension.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

export function countSms(text: string): SmsCount {
  const encoding = smsEncoding(text);
  const { single, multi } = LIMITS[encoding];
  const units = costs(text, encoding);
  const total = units.reduce((a, b) => a + b, 0);
  if (total <= single) return { encoding, units: total, segments: total === 0 ? 0 : 1, perSegment: single, remaining: single - total };
  // Pack greedily: a two-unit character that does not fit starts the next segment.
  let segments = 1;
  let used = 0;
  for (const u of units) {
    if (used + u > multi) {
      segments++;
      used = 0;
    }
    used += u;
  }
  return { encoding, units: total, segments, perSegment: multi, remaining: multi - used };
}
