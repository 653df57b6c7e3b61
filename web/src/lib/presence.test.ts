import type { PresenceEntry, TypingEvent } from '@switchboard/server/contracts';
import { describe, expect, it } from 'vitest';
import { applyPresence, applyVisitorTyping, nextChange, presenceFrom, presentAgents, WritingSignal, type Writing } from './presence.ts';

const ME = 'me';
const entry = (connection: string, agent: string, activity: PresenceEntry['activity'], over: Partial<PresenceEntry> = {}): PresenceEntry => ({
  conversationId: 'c1',
  connection,
  agent: { id: agent, name: agent === 'anna' ? 'Anna' : agent === 'ben' ? 'Ben' : 'Me' },
  activity,
  ttlMs: 60_000,
  activityTtlMs: activity === 'viewing' || activity === null ? null : 8_000,
  ...over,
});

describe('presence entries', () => {
  it('lists the other agents once each, by name, with their busiest tab', () => {
    let s = presenceFrom([entry('s1', 'ben', 'viewing'), entry('s2', 'anna', 'viewing'), entry('s3', ME, 'replying')], 0);
    s = applyPresence(s, entry('s4', 'anna', 'replying'), 10);
    expect(presentAgents(s, ME, 20)).toEqual([
      { id: 'anna', name: 'Anna', activity: 'replying' },
      { id: 'ben', name: 'Ben', activity: 'viewing' },
    ]);
  });

  it('a left tab disappears; replying falls back to viewing when not refreshed; entries lapse', () => {
    let s = presenceFrom([entry('s1', 'anna', 'note', { activityTtlMs: 5_000 })], 0);
    expect(presentAgents(s, ME, 4_999)).toEqual([{ id: 'anna', name: 'Anna', activity: 'note' }]);
    expect(presentAgents(s, ME, 5_000)).toEqual([{ id: 'anna', name: 'Anna', activity: 'viewing' }]);
    expect(nextChange(s, 0)).toBe(5_000);
    expect(nextChange(s, 5_000)).toBe(60_000);
    expect(presentAgents(s, ME, 60_000)).toEqual([]);
    s = applyPresence(s, entry('s1', 'anna', null), 100);
    expect(s).toEqual({});
    expect(nextChange(s, 0)).toBeNull();
  });
});

describe('visitor typing', () => {
  const typing = (on: boolean, conversationId = 'c1', type: 'contact' | 'agent' = 'contact'): TypingEvent => ({ conversationId, inboxId: 'i', author: { type, id: 'x', name: 'Vera' }, typing: on });

  it("shows the visitor's typing in their conversation until it stops or lapses", () => {
    const on = applyVisitorTyping(null, typing(true), 'c1', 1_000);
    expect(on).toEqual({ name: 'Vera', until: 7_000 });
    expect(applyVisitorTyping(on, typing(false), 'c1', 2_000)).toBeNull();
    expect(applyVisitorTyping(null, typing(true, 'other'), 'c1', 0)).toBeNull();
    expect(applyVisitorTyping(null, typing(true, 'c1', 'agent'), 'c1', 0)).toBeNull();
  });
});

describe('WritingSignal', () => {
  function harness() {
    let now = 0;
    const timers: Array<{ at: number; fn: () => void; id: number }> = [];
    let nextId = 0;
    const sent: Writing[] = [];
    const signal = new WritingSignal((w) => sent.push(w), {
      repeatMs: 2_500,
      idleMs: 4_000,
      now: () => now,
      setTimer: (fn, ms) => (timers.push({ at: now + ms, fn, id: ++nextId }), nextId),
      clearTimer: (h) => {
        const i = timers.findIndex((t) => t.id === h);
        if (i !== -1) timers.splice(i, 1);
      },
    });
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers.filter((x) => x.at <= now)) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    };
    return { signal, sent, advance };
  }

  it('sends replying once, repeats it while typing, and stops after an idle pause', () => {
    const { signal, sent, advance } = harness();
    signal.input('message', true);
    advance(1_000);
    signal.input('message', true);
    expect(sent).toEqual(['replying']);
    advance(1_500);
    signal.input('message', true);
    expect(sent).toEqual(['replying', 'replying']);
    advance(3_999);
    expect(sent).toEqual(['replying', 'replying']);
    advance(1);
    expect(sent).toEqual(['replying', 'replying', null]);
    expect(signal.state).toBeNull();
  });

  it('switches to note at once; emptying the text or sending stops it', () => {
    const { signal, sent } = harness();
    signal.input('message', true);
    signal.input('note', true);
    signal.input('note', false);
    signal.stop();
    expect(sent).toEqual(['replying', 'note', null]);
  });
});
