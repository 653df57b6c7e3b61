import { describe, expect, it } from 'vitest';
import { messages, pickLocale, translator } from './i18n.ts';

describe('pickLocale', () => {
  it('takes the first supported language from the browser list', () => {
    expect(pickLocale(['de-DE', 'en-US'])).toBe('de');
    expect(pickLocale(['de_AT'])).toBe('de');
    expect(pickLocale(['fr-FR', 'en-GB', 'de'])).toBe('en');
    expect(pickLocale(['fr', 'DE-ch'])).toBe('de');
  });

  it('falls back to English', () => {
    expect(pickLocale(['fr', 'es'])).toBe('en');
    expect(pickLocale([])).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });
});

describe('translator', () => {
  it('translates and fills placeholders', () => {
    expect(translator('de')('nav.signedInAs', { name: 'Ada' })).toBe('Angemeldet als Ada');
    expect(translator('en')('inbox.count', { count: 3 })).toBe('3 conversations');
    expect(translator('en')('inbox.count')).toBe('{count} conversations');
  });

  it('has every English key in German, non-empty', () => {
    expect(Object.keys(messages.de).sort()).toEqual(Object.keys(messages.en).sort());
    for (const v of Object.values(messages.de)) expect(v.trim()).not.toBe('');
  });
});

describe('setLocale', () => {
  it('switches t and the exported locale at once', async () => {
    const i18n = await import('./i18n.ts');
    i18n.setLocale('de');
    expect(i18n.locale).toBe('de');
    expect(i18n.t('nav.logout')).toBe('Abmelden');
    i18n.setLocale('en');
    expect(i18n.locale).toBe('en');
    expect(i18n.t('nav.logout')).toBe('Sign out');
  });
});
