import { describe, expect, it } from 'vitest';
import { countSms, smsEncoding } from './sms-segments.ts';

describe('SMS segments', () => {
  it('an empty text is no SMS', () => {
    expect(countSms('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0, perSegment: 160, remaining: 160 });
  });

  it('GSM-7: 160 characters in one SMS, 153 per segment beyond', () => {
    expect(countSms('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1, remaining: 0 });
    expect(countSms('a'.repeat(161))).toMatchObject({ segments: 2, perSegment: 153, remaining: 2 * 153 - 161 });
    expect(countSms('a'.repeat(306))).toMatchObject({ segments: 2, remaining: 0 });
    expect(countSms('a'.repeat(307))).toMatchObject({ segments: 3, remaining: 152 });
  });

  it('the GSM alphabet includes accents, Greek capitals and line breaks', () => {
    expect(smsEncoding('Grüße aus Köln, Ça va? ÉÆØÅ ΔΩ @£$¥ ¿¡ §\r\n')).toBe('GSM-7');
  });

  it('extension characters count double and are not split across segments', () => {
    expect(countSms('€')).toMatchObject({ encoding: 'GSM-7', units: 2, segments: 1, remaining: 158 });
    expect(countSms('[]{}~^|\\\f')).toMatchObject({ units: 18 });
    expect(countSms('a'.repeat(159) + '€')).toMatchObject({ units: 161, segments: 2 });
    // 152 units then an escape pair: the pair does not fit the 1 unit left, so it opens segment 2.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(countSms(text)).toMatchObject({ units: 306, segments: 3, remaining: 153 - 1 });
  });

  it('any other character makes the whole text UCS-2: 70, then 67 per segment', () => {
    expect(countSms('Привет')).toMatchObject({ encoding: 'UCS-2', units: 6, segments: 1, perSegment: 70, remaining: 64 });
    expect(countSms('ç'.repeat(69) + 'ł')).toMatchObject({ encoding: 'UCS-2', segments: 1, remaining: 0 });
    expect(countSms('a'.repeat(70) + 'ł')).toMatchObject({ encoding: 'UCS-2', units: 71, segments: 2, perSegment: 67 });
    expect(countSms('a'.repeat(134))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(countSms('a'.repeat(133) + 'ł')).toMatchObject({ units: 134, segments: 2, remaining: 0 });
  });

  it('emoji take two UCS-2 units and a surrogate pair is never split', () => {
    expect(countSms('🙂')).toMatchObject({ encoding: 'UCS-2', units: 2, segments: 1, remaining: 68 });
    // 66 units then an emoji: 68 > 67, so the emoji starts segment 2.
    expect(countSms('ł'.repeat(66) + '🙂' + 'ł'.repeat(3))).toMatchObject({ units: 71, segments: 2, remaining: 67 - 5 });
  });
});
