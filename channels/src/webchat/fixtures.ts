import type { InboundRequest } from '../contract.ts';
import { VISITOR_HEADER, type WebchatContext, type WidgetInbound } from './parse.ts';
import { webchatSettingsSchema, type WebchatSettings } from './schema.ts';
import { issueVisitorToken, type VisitorClaims } from './tokens.ts';

export const TEST_WEBCHAT_SECRET = 'webchat-test-secret-0123456789abcdef';
export const TEST_NOW = new Date('2025-01-01T00:00:00.000Z');

export function webchatTestContext(overrides: { fetch?: typeof fetch; settings?: Partial<WebchatSettings>; now?: () => Date } = {}): WebchatContext {
  return {
    inbox: { id: 'inbox_w', publicToken: 'pub_w', kind: 'webchat' },
    credentials: { secret: TEST_WEBCHAT_SECRET },
    settings: webchatSettingsSchema.parse(overrides.settings ?? {}),
    fetch: overrides.fetch ?? (() => Promise.reject(new Error('webchat makes no HTTP calls'))),
    now: overrides.now ?? (() => TEST_NOW),
  };
}

export function testVisitor(overrides: Partial<VisitorClaims> = {}): VisitorClaims {
  return { inboxId: 'inbox_w', visitorId: 'v_0123456789', issuedAt: TEST_NOW.getTime() / 1000, ...overrides };
}

/** A widget message as the server hands it to the adapter. */
export function widgetRequest(body: WidgetInbound | string, visitor: VisitorClaims | string = testVisitor(), secret = TEST_WEBCHAT_SECRET): InboundRequest {
  return {
    method: 'POST',
    url: 'https://switchboard.example/widget/pub_w',
    headers: {
      'content-type': 'application/json',
      [VISITOR_HEADER]: typeof visitor === 'string' ? visitor : issueVisitorToken(secret, visitor),
    },
    rawBody: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
