import { describe, expect, it } from 'vitest';
import { attributeText, identityError, setAttribute, withoutAttribute } from './contact-edit.ts';

describe('contact editing', () => {
  it('shows attribute values as text: strings as they are, the rest as JSON', () => {
    expect(attributeText('gold')).toBe('gold');
    expect(attributeText(42)).toBe('42');
    expect(attributeText({ tier: 'gold' })).toBe('{"tier":"gold"}');
    expect(attributeText(null)).toBe('null');
    expect(attributeText(undefined)).toBe('');
  });

  it('sets, replaces and removes attributes without touching the others', () => {
    const a = { plan: 'pro', seats: 5 };
    expect(setAttribute(a, 'plan', 'enterprise')).toEqual({ plan: 'enterprise', seats: 5 });
    expect(setAttribute(a, 'city', 'Köln')).toEqual({ plan: 'pro', seats: 5, city: 'Köln' });
    expect(withoutAttribute(a, 'plan')).toEqual({ seats: 5 });
    expect(a).toEqual({ plan: 'pro', seats: 5 });
  });

  it('explains a refused identity: taken by another contact, or invalid for its kind', () => {
    expect(identityError(409, 'email')).toBe('contact.identityTaken');
    expect(identityError(400, 'email')).toBe('contact.invalidEmail');
    expect(identityError(400, 'phone')).toBe('contact.invalidPhone');
    expect(identityError(400, 'telegram')).toBe('contact.invalidHandle');
    expect(identityError(500, 'email')).toBeNull();
  });
});
