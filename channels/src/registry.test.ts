import { describe, expect, it } from 'vitest';
import { apiAdapter } from './api/adapter.ts';
import { emailAdapter } from './email/adapter.ts';
import { instagramAdapter } from './meta/instagram.ts';
import { messengerAdapter } from './meta/messenger.ts';
import { slackAdapter } from './slack/adapter.ts';
import { telegramAdapter } from './telegram/adapter.ts';
import { twilioSmsAdapter } from './twilio/adapter.ts';
import { whatsAppAdapter } from './whatsapp/adapter.ts';
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

  it('has the Meta adapters registered (WhatsApp: one adapter for the Cloud API and Twilio)', () => {
    expect([getAdapter('messenger'), getAdapter('instagram'), getAdapter('whatsapp')]).toEqual([messengerAdapter, instagramAdapter, whatsAppAdapter]);
  });

  it('has the Slack adapter registered', () => {
    expect(getAdapter('slack')).toBe(slackAdapter);
    expect(listAdapterKinds()).toContain('slack');
  });

  it('has the Telegram adapter registered', () => {
    expect(getAdapter('telegram')).toBe(telegramAdapter);
    expect(listAdapterKinds()).toContain('telegram');
  });

  it('has the Twilio SMS adapter registered', () => {
    expect(getAdapter('sms')).toBe(twilioSmsAdapter);
  });

  it('has the webchat adapter registered', () => {
    expect(getAdapter('webchat')).toBe(webchatAdapter);
    expect(listAdapterKinds()).toContain('webchat');
  });

  it('has an adapter for every inbox kind', () => {
    const kinds = ['email', 'sms', 'whatsapp', 'webchat', 'slack', 'messenger', 'instagram', 'telegram', 'api'];
    expect([...listAdapterKinds()].sort()).toEqual([...kinds].sort());
  });

  it('returns undefined for kinds without an adapter and accepts new ones', () => {
    const fax = 'fax' as ChannelAdapter['kind'];
    expect(getAdapter(fax)).toBeUndefined();
    const adapter: ChannelAdapter = { ...apiAdapter, kind: fax } as ChannelAdapter;
    registerAdapter(adapter);
    expect(getAdapter(fax)).toBe(adapter);
  });
});
