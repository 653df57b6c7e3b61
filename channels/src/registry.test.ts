import { describe, expect, it } from 'vitest';
import { apiAdapter } from './api/adapter.ts';
import { emailAdapter } from './email/adapter.ts';
import { webchatAdapter } from './webchat/adapter.ts';
import type { ChannelAdapter } from './contract.ts';
import { getAdapter, listAdapterKinds, registerAdapter } from './index.ts';

describe('registry', () => {
  it('has the API adapter registered', () => {
    expect(getAdapter('api')).toBe(apiAdapter);
    expect(listAdapterKinds()).toContain('api');
  });

  it('has the email adapter registered', () => {
    expect(getAdapter('email')).toBe(emailAdapter);
    expect(listAdapterKinds()).toContain('email');
  });

  it('has the webchat adapter registered', () => {
    expect(getAdapter('webchat')).toBe(webchatAdapter);
    expect(listAdapterKinds()).toContain('webchat');
  });

  it('returns undefined for kinds without an adapter and accepts new ones', () => {
    expect(getAdapter('telegram')).toBeUndefined();
    const telegram: ChannelAdapter = { ...apiAdapter, kind: 'telegram' } as ChannelAdapter;
    registerAdapter(telegram);
    expect(getAdapter('telegram')).toBe(telegram);
  });
});
