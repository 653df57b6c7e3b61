import type {
  AdapterContext,
  InboundMessage,
  InboundRequest,
  NormalizedIdentity,
  ParsedInbound,
  StatusUpdate,
} from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';
import { htmlToText } from '../util/text.ts';
import { apiInboundSchema, type ApiInboundPayload } from './schema.ts';

type ApiMessage = NonNullable<ApiInboundPayload['messages']>[number];
type ApiStatus = NonNullable<ApiInboundPayload['statuses']>[number];

/** Identity address for an integrator's contact id, scoped to the inbox. */
export function apiIdentityAddress(inboxId: string, contactId: string): string {
  return `${inboxId}:${contactId}`;
}

function identitiesOf(contact: ApiMessage['contact'], inboxId: string): NormalizedIdentity[] {
  const out: NormalizedIdentity[] = [];
  if (contact.id !== undefined) {
    out.push({ kind: 'api', address: apiIdentityAddress(inboxId, contact.id), verified: true });
  }
  if (contact.email !== undefined) out.push({ kind: 'email', address: contact.email });
  if (contact.phone !== undefined) out.push({ kind: 'phone', address: contact.phone });
  return out;
}

function toMessage(m: ApiMessage, ctx: AdapterContext): InboundMessage {
  const { contact } = m;
  const message: InboundMessage = {
    providerMessageId: m.id,
    contact: {
      identities: identitiesOf(contact, ctx.inbox.id),
      ...(contact.name !== undefined && { name: contact.name }),
      ...(contact.company !== undefined && { company: contact.company }),
      ...(contact.attributes !== undefined && { attributes: contact.attributes }),
    },
    text: m.text?.trim() ? m.text : m.html ? htmlToText(m.html) : '',
    attachments: (m.attachments ?? []).map((a) => ({
      name: a.name,
      contentType: a.contentType,
      url: a.url,
      ...(a.size !== undefined && { size: a.size }),
    })),
    occurredAt: m.timestamp ? new Date(m.timestamp) : ctx.now(),
    metadata: m.metadata ?? {},
  };
  if (m.threadId !== undefined) message.threadKey = m.threadId;
  if (m.subject !== undefined) message.subject = m.subject;
  if (m.html !== undefined && m.html.trim()) message.html = m.html;
  return message;
}

function toStatus(s: ApiStatus, ctx: AdapterContext): StatusUpdate {
  return {
    providerMessageId: s.id,
    status: s.status,
    occurredAt: s.timestamp ? new Date(s.timestamp) : ctx.now(),
    ...(s.error !== undefined && { error: s.error }),
  };
}

/** Validates and normalizes an integrator's POST. Throws ChannelError('malformed_payload'). */
export function parseApiInbound(req: InboundRequest, ctx: AdapterContext): ParsedInbound {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (err) {
    throw malformed(`Body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const result = apiInboundSchema.safeParse(json);
  if (!result.success) throw malformed(`Invalid payload: ${formatZodError(result.error)}`, result.error);
  return {
    messages: (result.data.messages ?? []).map((m) => toMessage(m, ctx)),
    statuses: (result.data.statuses ?? []).map((s) => toStatus(s, ctx)),
  };
}
