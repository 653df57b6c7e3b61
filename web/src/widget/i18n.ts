// The widget's strings (English, German). The locale comes from the inbox (`locale`) or the visitor's browser.
import type { WidgetConnectError, WidgetErrorCode, WidgetReplyTime } from '@switchboard/server/contracts';

export type Locale = 'en' | 'de';

const en = {
  open: 'Open chat',
  close: 'Close chat',
  online: 'We are online',
  replyTime: {
    minutes: 'Typically replies in a few minutes',
    hour: 'Typically replies within an hour',
    hours: 'Typically replies within a few hours',
    day: 'Typically replies within a day',
  } satisfies Record<WidgetReplyTime, string>,
  messages: 'Messages',
  placeholder: 'Write a message…',
  messageLabel: 'Your message',
  send: 'Send',
  attach: 'Attach a file',
  removeFile: (name: string) => `Remove ${name}`,
  typing: (name: string | null) => `${name ?? 'Someone'} is typing…`,
  seen: 'Seen',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  earlier: 'Show earlier messages',
  you: 'You',
  viaEmail: 'by email',
  preChatIntro: 'Before we start: how can we reach you?',
  name: 'Name',
  email: 'Email',
  optional: 'optional',
  start: 'Start chat',
  invalidEmail: 'Please enter a valid email address.',
  required: 'Please fill in this field.',
  connecting: 'Connecting…',
  reconnecting: 'Connection lost. Reconnecting…',
  fileTooLarge: (max: string) => `Files can be at most ${max}.`,
  fileType: 'This type of file is not accepted.',
  refused: {
    unknown_inbox: 'This chat is not available.',
    forbidden_origin: 'This chat is not available on this website.',
    invalid_identity: 'We could not verify your account. Please reload the page or sign in again.',
    rate_limited: 'Too many requests. Please try again in a moment.',
    unavailable: 'The chat is unavailable right now. Please try again later.',
  } satisfies Record<WidgetConnectError['code'], string>,
  errors: {
    rate_limited: 'You are sending messages too quickly. Please wait a moment.',
    payload_too_large: 'This is too long to send.',
    validation_failed: 'This message could not be sent.',
    prechat_required: 'Please tell us how to reach you first.',
    invalid_upload: 'A file could not be attached. Please attach it again.',
    unavailable: 'The chat is unavailable right now. Please try again later.',
  } satisfies Record<WidgetErrorCode, string>,
};

export type Strings = typeof en;

const de: Strings = {
  open: 'Chat öffnen',
  close: 'Chat schließen',
  online: 'Wir sind online',
  replyTime: {
    minutes: 'Antwortet meist innerhalb weniger Minuten',
    hour: 'Antwortet meist innerhalb einer Stunde',
    hours: 'Antwortet meist innerhalb weniger Stunden',
    day: 'Antwortet meist innerhalb eines Tages',
  },
  messages: 'Nachrichten',
  placeholder: 'Nachricht schreiben…',
  messageLabel: 'Ihre Nachricht',
  send: 'Senden',
  attach: 'Datei anhängen',
  removeFile: (name) => `${name} entfernen`,
  typing: (name) => `${name ?? 'Jemand'} schreibt…`,
  seen: 'Gesehen',
  sending: 'Wird gesendet…',
  failed: 'Nicht gesendet',
  retry: 'Erneut senden',
  earlier: 'Frühere Nachrichten anzeigen',
  you: 'Sie',
  viaEmail: 'per E-Mail',
  preChatIntro: 'Bevor es losgeht: Wie erreichen wir Sie?',
  name: 'Name',
  email: 'E-Mail',
  optional: 'optional',
  start: 'Chat starten',
  invalidEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  required: 'Bitte füllen Sie dieses Feld aus.',
  connecting: 'Verbinde…',
  reconnecting: 'Verbindung unterbrochen. Verbinde erneut…',
  fileTooLarge: (max) => `Dateien dürfen höchstens ${max} groß sein.`,
  fileType: 'Dieser Dateityp wird nicht angenommen.',
  refused: {
    unknown_inbox: 'Dieser Chat ist nicht verfügbar.',
    forbidden_origin: 'Dieser Chat ist auf dieser Website nicht verfügbar.',
    invalid_identity: 'Ihr Konto konnte nicht bestätigt werden. Bitte laden Sie die Seite neu oder melden Sie sich erneut an.',
    rate_limited: 'Zu viele Anfragen. Bitte versuchen Sie es gleich noch einmal.',
    unavailable: 'Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.',
  },
  errors: {
    rate_limited: 'Sie senden zu schnell. Bitte warten Sie einen Moment.',
    payload_too_large: 'Das ist zu lang zum Senden.',
    validation_failed: 'Diese Nachricht konnte nicht gesendet werden.',
    prechat_required: 'Bitte sagen Sie uns zuerst, wie wir Sie erreichen.',
    invalid_upload: 'Eine Datei konnte nicht angehängt werden. Bitte hängen Sie sie erneut an.',
    unavailable: 'Der Chat ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.',
  },
};

const STRINGS: Record<Locale, Strings> = { en, de };

/** The inbox's fixed locale, or the first supported one of the browser's languages (English otherwise). */
export function pickLocale(configured: 'auto' | Locale | undefined, languages: readonly string[]): Locale {
  if (configured && configured !== 'auto') return configured;
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'de' || base === 'en') return base;
  }
  return 'en';
}

export const strings = (locale: Locale): Strings => STRINGS[locale];

/** 1536 → "1.5 KB", 10485760 → "10 MB". */
export function formatBytes(n: number, locale: Locale): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: v < 10 && i > 0 ? 1 : 0 }).format(v)} ${units[i]}`;
}

/** `image/*` matches image/png; exact types match themselves. */
export function typeAccepted(patterns: readonly string[], type: string): boolean {
  const t = type.toLowerCase();
  return patterns.some((p) => p === t || (p.endsWith('/*') && t.startsWith(p.slice(0, -1))));
}
