import { describe, expect, it } from 'vitest';
import { escapeSlackText, slackToText, slackTsToDate } from './text.ts';

describe('slack text', () => {
  it('reads control sequences as a person would', () => {
    expect(slackToText('<@U123>')).toBe('@U123');
    expect(slackToText('<#C123>')).toBe('#C123');
    expect(slackToText('<!channel> <!subteam^S1|@support> <!date^1392734382^{date}|Feb 18>')).toBe('@channel @support Feb 18');
    expect(slackToText('<https://a.example>, <https://a.example|https://a.example>, <mailto:x@y.example>')).toBe('https://a.example, https://a.example, x@y.example');
    expect(slackToText('a &amp;lt; b &gt; c')).toBe('a &lt; b > c');
  });

  it('escapes what we post and reads it back unchanged', () => {
    const text = 'if a < b && c > d <@U1>';
    expect(escapeSlackText(text)).toBe('if a &lt; b &amp;&amp; c &gt; d &lt;@U1&gt;');
    expect(slackToText(escapeSlackText(text))).toBe(text);
  });

  it('turns timestamps into dates with millisecond precision', () => {
    expect(slackTsToDate('1700000000.123456').toISOString()).toBe('2023-11-14T22:13:20.123Z');
    expect(slackTsToDate('1700000000.000001').toISOString()).toBe('2023-11-14T22:13:20.000Z');
  });
});
