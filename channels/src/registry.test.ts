import { describe, expect, it } from 'vitest';
import { apiAdapter } from './api/adapter.ts';
import { emailAdapter } from './email/adapter.ts';
import { instagramAdapter } from './meta/instagram.ts';
import { messengerAdapter } from './meta/messenger.ts';
import { whatsAppCloudAdapter } from './meta/whatsapp.ts';
import { slackAdapter } from './slack/adapter.ts';
import { telegramAdapter } from './telegram/adapter.ts';
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

  it('has the Meta adapters registered (WhatsApp: the Cloud API one)', () => {
    expect([getAdapter('messenger'), getAdapter('instagram'), getAdapter('whatsapp')]).toEqual([messengerAdapter, instagramAdapter, whatsAppCloudAdapter]);
  });

  it('has the Slack adapter registered', () => {
    expect(getAdapter('slack')).toBe(slackAdapter);
    expect(listAdapterKinds()).toContain('slack');
  });

  it('has the Telegram adapter registered', () => {
    expect(getAdapter('telegram')).toBe(telegramAdapter);
    expect(listAdapterKinds()).toContain('telegram');
  });

  it('returns undefined for kinds without an adapter and accepts new ones', () => {
    expect(getAdapter('webchat')).toBeUndefined();
    const webchat: ChannelAdapter = { ...apiAdapter, kind: 'webchat' } as ChannelAdapter;
    registerAdapter(webchat);
    expect(getAdapter('webchat')).toBe(webchat);
  });
});
