import { z } from 'zod';
import type { AdapterContext, InboundMessage, InboundRequest, ParsedInbound, VerifyResult } from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';
import { visitorContact } from './identity.ts';
import type { WebchatCredentials, WebchatSettings } from './schema.ts';
import { readVisitorToken, type VisitorClaims } from './tokens.ts';

/** The header that carries the visitor token on a widget message (the server builds these requests). */
export const VISITOR_HEADER = 'x-switchboard-visitor';

export type WebchatContext = AdapterContext<WebchatCredentials, WebchatSettings>;

/** Widget message ids: chosen by the widget, so a resend after a lost acknowledgement is a duplicate. */
export const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

const attachment = z.object({
  name: z.string().trim().min(1).max(255),
  contentType: z.string().trim().min(3).max(255),
  contentBase64: z.string().max(40 * 1024 * 1024),
});

const widgetMessage = z.object({
  id: z.string().regex(CLIENT_ID, 'must be 8-64 characters of A-Z a-z 0-9 _ -'),
  text: z.string().max(20_000).default(''),
  attachments: z.array(attachment).max(10).default([]),
  /** The page the visitor wrote from (shown to agents). */
  pageUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
});

export const widgetInboundSchema = z.object({ messages: z.array(widgetMessage).min(1).max(10) });
export type WidgetInbound = z.input<typeof widgetInboundSchema>;

/** The visitor of a request: its token must be valid for this inbox. */
export function visitorOf(req: InboundRequest, ctx: WebchatContext): VisitorClaims | null {
  return readVisitorToken(ctx.credentials.secret, req.headers[VISITOR_HEADER], ctx.inbox.id, ctx.now());
}

export function verifyWidgetRequest(req: InboundRequest, ctx: WebchatContext): VerifyResult {
  if (!req.headers[VISITOR_HEADER]) return { ok: false, reason: 'missing visitor token' };
  return visitorOf(req, ctx) ? { ok: true } : { ok: false, reason: 'invalid or expired visitor token' };
}

/** A widget message → the normalized message (the visitor's identities come from the signed token). */
export function parseWidgetInbound(req: InboundRequest, ctx: WebchatContext): ParsedInbound {
  const visitor = visitorOf(req, ctx);
  if (!visitor) throw malformed('No valid visitor token');
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (err) {
    throw malformed(`Body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const result = widgetInboundSchema.safeParse(json);
  if (!result.success) throw malformed(`Invalid payload: ${formatZodError(result.error)}`, result.error);
  const max = ctx.settings.limits.maxTextLength;
  const messages = result.data.messages.map((m, i): InboundMessage => {
    const text = m.text.trim();
    if (!text && m.attachments.length === 0) throw malformed(`messages.${i}: needs text or attachments`);
    if (text.length > max) throw malformed(`messages.${i}.text: longer than ${max} characters`);
    return {
      providerMessageId: `${visitor.visitorId}:${m.id}`,
      contact: visitorContact(visitor),
      text,
      attachments: m.attachments.map((a) => {
        const content = new Uint8Array(Buffer.from(a.contentBase64, 'base64'));
        return { name: a.name, contentType: a.contentType, size: content.byteLength, content };
      }),
      occurredAt: ctx.now(),
      metadata: {
        webchat: {
          clientId: m.id,
          visitorId: visitor.visitorId,
          ...(m.pageUrl && { pageUrl: m.pageUrl }),
          ...(visitor.userId && { userId: visitor.userId }),
          ...(visitor.claimedEmail && { claimedEmail: visitor.claimedEmail }),
        },
      },
    };
  });
  return { messages, statuses: [] };
}
