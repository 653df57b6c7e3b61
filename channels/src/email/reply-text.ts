import EmailReplyParser from 'email-reply-parser';

/** Outlook/Gmail separators email-reply-parser does not know, in several languages. */
const EXTRA_QUOTE_HEADERS = [
  /^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)\s*-{2,}\s*$/im,
  /^_{10,}\s*$/m,
  /^From: .+\r?\n(Sent|Date): .+\r?\n/im,
  /^(De|Von|Van|Da): .+\r?\n(Envoyé|Gesendet|Verzonden|Inviato|Enviado)\s*: /im,
];

/**
 * The text the customer actually wrote: quoted history and signature removed.
 * Falls back to the full text when stripping would leave nothing (e.g. a mail that is only a forward).
 */
/** Longer texts are not run through the reply parser (regex cost); replies are short, history is long. */
export const MAX_REPLY_PARSE_CHARS = 100_000;

export function visibleReply(fullText: string): string {
  const normalized = fullText.replace(/\r\n/g, '\n');
  if (normalized.length > MAX_REPLY_PARSE_CHARS) return normalized.trim();
  let cut = normalized;
  for (const pattern of EXTRA_QUOTE_HEADERS) {
    const match = pattern.exec(cut);
    if (match && match.index > 0) cut = cut.slice(0, match.index);
  }
  const visible = new EmailReplyParser().parseReply(cut).trim();
  return visible || normalized.trim();
}
