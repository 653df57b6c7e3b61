/** Slack `mrkdwn` (as it arrives in `text`) → plain text; and plain text → safe Slack text. */

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&' };

function controlSequence(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  switch (target[0]) {
    case '@': // <@U123> or <@U123|anna>
      return `@${label ?? target.slice(1)}`;
    case '#': // <#C123|general>
      return `#${label ?? target.slice(1)}`;
    case '!': {
      // <!here>, <!channel>, <!subteam^S123|@team>, <!date^…|fallback>
      if (label !== undefined) return label;
      const special = target.slice(1).split('^')[0] ?? '';
      return `@${special}`;
    }
    default: {
      const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
      if (label === undefined || label === url || label === target) return url;
      return `${label} (${url})`;
    }
  }
}

/** Mentions, channel links, `<url|label>` links and Slack's three HTML entities, as a person would read them. */
export function slackToText(mrkdwn: string): string {
  return mrkdwn.replace(/<([^<>\n]*)>/g, (_, inner: string) => controlSequence(inner)).replace(/&(lt|gt|amp);/g, (e) => ENTITIES[e] ?? e);
}

/** Escapes the characters Slack reserves for control sequences (`&`, `<`, `>`) in text we post. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack timestamp (`"1700000000.123456"`, seconds.microseconds) as a Date (millisecond precision). */
export function slackTsToDate(ts: string): Date {
  const [secs = '0', frac = ''] = ts.split('.');
  return new Date(Number(secs) * 1000 + Math.floor(Number(`0.${frac || '0'}`) * 1000));
}
