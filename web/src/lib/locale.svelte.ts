// The console's language as reactive state: the user's saved choice (User.locale, PATCH /api/users/{id}),
// else the browser's. The layout re-renders the console when it changes (i18n.ts holds the tables).
import type { UserDto } from '@switchboard/server/contracts';
import { api } from './api.ts';
import { browserLocale, locale, pickLocale, setLocale, type Locale } from './i18n.ts';

export const LOCALES: ReadonlyArray<{ code: Locale; name: string }> = [
  { code: 'en', name: 'English' },
  { code: 'de', name: 'Deutsch' },
];

export const language = $state<{ current: Locale }>({ current: locale });

function use(next: Locale): void {
  setLocale(next);
  language.current = next;
}

/** On sign-in and reload: the user's saved language, else the browser's; on sign-out the browser's. */
export function applyUserLocale(user: Pick<UserDto, 'locale'> | null): void {
  use(user?.locale ? pickLocale([user.locale]) : browserLocale());
}

/** Saves the choice on the user and applies it at once; returns the saved locale. */
export async function chooseLocale(userId: string, next: Locale): Promise<Locale> {
  await api.updateUser(userId, { locale: next });
  use(next);
  return next;
}
