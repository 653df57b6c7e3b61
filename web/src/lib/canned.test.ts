import { describe, expect, it } from 'vitest';
import { fillPlaceholders, insertCanned, matchCanned, slashTokenAt } from './canned.ts';

const all = [
  { id: '1', shortCode: 'shipping', content: 'Your parcel is on its way.' },
  { id: '2', shortCode: 'thanks', content: 'Thank you!' },
  { id: '3', shortCode: 'Ship-late', content: 'Sorry for the delay.' },
];

describe('canned responses', () => {
  it('finds the /token at the caret', () => {
    expect(slashTokenAt('/sh', 3)).toEqual({ start: 0, end: 3, query: 'sh' });
    expect(slashTokenAt('Hi /Th', 6)).toEqual({ start: 3, end: 6, query: 'th' });
    expect(slashTokenAt('a/b', 3)).toBeNull();
    expect(slashTokenAt('/sh more', 8)).toBeNull();
  });
  it('matches by short-code prefix, case-insensitive', () => {
    expect(matchCanned(all, 'ship').map((c) => c.id)).toEqual(['1', '3']);
    expect(matchCanned(all, '').length).toBe(3);
  });
  it('replaces the token with the reply', () => {
    const token = slashTokenAt('Hi /th', 6)!;
    expect(insertCanned('Hi /th', token, 'Thank you!')).toEqual({ text: 'Hi Thank you!', caret: 13 });
  });
});

describe('canned response placeholders', () => {
  it('fills contact and agent names, with first-name and short aliases', () => {
    const text = 'Hi {{contact.first_name}} ({{ contact.name }}, {{name}}), {{agent.name}} here. {{first_name}}!';
    expect(fillPlaceholders(text, { contactName: 'Max Mustermann', agentName: 'Olga Owner' })).toBe(
      'Hi Max (Max Mustermann, Max Mustermann), Olga Owner here. Max!',
    );
  });

  it('keeps placeholders it has no value for, and unknown ones, as written', () => {
    expect(fillPlaceholders('Hi {{name}}, order {{order.id}}', { contactName: '  ', agentName: 'Olga' })).toBe('Hi {{name}}, order {{order.id}}');
    expect(fillPlaceholders('no placeholders', {})).toBe('no placeholders');
  });
});
