// A tiny i18n map: English and German, picked from the browser's language preferences.

const en = {
  'app.loading': 'Loading…',
  'app.error': 'Something went wrong: {message}',
  'app.retry': 'Try again',
  'field.workspaceName': 'Workspace name',
  'field.name': 'Your name',
  'field.email': 'Email',
  'field.password': 'Password',
  'field.passwordHint': 'At least 10 characters.',
  'setup.title': 'Set up Switchboard',
  'setup.intro': 'Create your workspace and the first administrator account.',
  'setup.submit': 'Create workspace',
  'setup.busy': 'Creating…',
  'login.title': 'Sign in',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.failed': 'Wrong email or password.',
  'login.tooMany': 'Too many attempts. Please try again later.',
  'inbox.title': 'Conversations',
  'inbox.count': '{count} conversations',
  'inbox.countOne': '1 conversation',
  'inbox.empty': 'No conversations yet. New messages appear here as they arrive.',
  'inbox.unknownContact': 'Unknown contact',
  'inbox.noPreview': 'No messages',
  'inbox.assigned': 'assigned',
  'live.connecting': 'Connecting…',
  'live.online': 'Live',
  'live.offline': 'Offline, reconnecting…',
  'nav.signedInAs': 'Signed in as {name}',
  'nav.logout': 'Sign out',
  'status.open': 'Open',
  'status.pending': 'Pending',
  'status.snoozed': 'Snoozed',
  'status.resolved': 'Resolved',
} as const;

export type MessageKey = keyof typeof en;
export type Locale = 'en' | 'de';

const de: Record<MessageKey, string> = {
  'app.loading': 'Wird geladen…',
  'app.error': 'Etwas ist schiefgelaufen: {message}',
  'app.retry': 'Erneut versuchen',
  'field.workspaceName': 'Name des Workspace',
  'field.name': 'Dein Name',
  'field.email': 'E-Mail',
  'field.password': 'Passwort',
  'field.passwordHint': 'Mindestens 10 Zeichen.',
  'setup.title': 'Switchboard einrichten',
  'setup.intro': 'Lege deinen Workspace und das erste Administratorkonto an.',
  'setup.submit': 'Workspace anlegen',
  'setup.busy': 'Wird angelegt…',
  'login.title': 'Anmelden',
  'login.submit': 'Anmelden',
  'login.busy': 'Anmeldung läuft…',
  'login.failed': 'E-Mail oder Passwort ist falsch.',
  'login.tooMany': 'Zu viele Versuche. Bitte später erneut versuchen.',
  'inbox.title': 'Konversationen',
  'inbox.count': '{count} Konversationen',
  'inbox.countOne': '1 Konversation',
  'inbox.empty': 'Noch keine Konversationen. Neue Nachrichten erscheinen hier, sobald sie eintreffen.',
  'inbox.unknownContact': 'Unbekannter Kontakt',
  'inbox.noPreview': 'Keine Nachrichten',
  'inbox.assigned': 'zugewiesen',
  'live.connecting': 'Verbinde…',
  'live.online': 'Live',
  'live.offline': 'Offline, verbinde neu…',
  'nav.signedInAs': 'Angemeldet als {name}',
  'nav.logout': 'Abmelden',
  'status.open': 'Offen',
  'status.pending': 'Wartend',
  'status.snoozed': 'Zurückgestellt',
  'status.resolved': 'Erledigt',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { en, de };

/** The first supported language in the browser's preference list (`navigator.languages`), else English. */
export function pickLocale(languages: readonly string[] | undefined): Locale {
  for (const tag of languages ?? []) {
    const base = tag.toLowerCase().split(/[-_]/)[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  const table = messages[locale];
  return (key, vars) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

function browserLanguages(): readonly string[] | undefined {
  if (typeof navigator === 'undefined') return undefined;
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

export const locale: Locale = pickLocale(browserLanguages());
export const t: Translate = translator(locale);
