import { describe, expect, it } from 'vitest';
import { formatBytes, pickLocale, strings, typeAccepted } from './i18n.ts';

describe('widget i18n', () => {
  it('uses the inbox’s locale, else the first supported browser language, else English', () => {
    expect(pickLocale('de', ['en-US'])).toBe('de');
    expect(pickLocale('auto', ['fr-FR', 'de-AT', 'en'])).toBe('de');
    expect(pickLocale(undefined, ['fr'])).toBe('en');
  });

  it('has every German string the English side has', () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v).map((s) => `${k}.${s}`) : [k])).sort();
    expect(keys(strings('de'))).toEqual(keys(strings('en')));
    expect(strings('de').typing('Grace')).toBe('Grace schreibt…');
  });

  it('formats sizes and matches accepted types like the server', () => {
    expect(formatBytes(10 * 1024 * 1024, 'en')).toBe('10 MB');
    expect(formatBytes(1536, 'de')).toBe('1,5 KB');
    expect(typeAccepted(['image/*', 'application/pdf'], 'image/png')).toBe(true);
    expect(typeAccepted(['image/*'], 'text/html')).toBe(false);
  });
});
