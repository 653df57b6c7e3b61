import { ChannelError, type AdapterContext, type OutboundMessage, type SendResult } from '../contract.ts';
import { fetchText, httpError, truncate } from '../util/http.ts';
import type { ApiCredentials } from './schema.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signApiPayload } from './signature.ts';

export const MESSAGE_CREATED = 'message.created';

/** A file of the reply as the integrator receives it: the bytes base64-encoded, like inbound `contentBase64`. */
export interface ApiWebhookAttachment {
  name: string;
  contentType: string;
  size: number;
  /** The file's bytes, base64 (standard alphabet, padded). */
  contentBase64?: string;
  /** Only for a file without bytes at hand: where to download it. */
  url?: string;
}

function webhookAttachment(a: OutboundMessage['attachments'][number]): ApiWebhookAttachment {
  const base = { name: a.name, contentType: a.contentType, size: a.size };
  if (a.content) return { ...base, size: a.content.byteLength, contentBase64: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength).toString('base64') };
  return a.url ? { ...base, url: a.url } : base;
}

export interface ApiWebhookBody {
  event: typeof MESSAGE_CREATED;
  message: {
    id: string;
    conversation: { id: string; number: number; threadId: string | null; subject: string | null };
    contact: {
      id: string;
      /** The integrator's own contact id (from an `api` identity of this inbox), if known. */
      externalId: string | null;
      name: string | null;
      identities: OutboundMessage['contact']['identities'];
    };
    text: string;
    html: string | null;
    author: { name: string } | null;
    attachments: ApiWebhookAttachment[];
    inReplyTo: string | null;
    createdAt: string;
  };
}

export function buildWebhookBody(msg: OutboundMessage, ctx: AdapterContext): ApiWebhookBody {
  const prefix = `${ctx.inbox.id}:`;
  const apiIdentity = msg.contact.identities.find((i) => i.kind === 'api' && i.address.startsWith(prefix));
  return {
    event: MESSAGE_CREATED,
    message: {
      id: msg.id,
      conversation: {
        id: msg.conversation.id,
        number: msg.conversation.number,
        threadId: msg.conversation.threadKey,
        subject: msg.conversation.subject,
      },
      contact: {
        id: msg.contact.id,
        externalId: apiIdentity ? apiIdentity.address.slice(prefix.length) : null,
        name: msg.contact.name,
        identities: msg.contact.identities,
      },
      text: msg.text,
      html: msg.html ?? null,
      author: msg.author,
      attachments: msg.attachments.map(webhookAttachment),
      inReplyTo: msg.inReplyTo?.providerMessageId ?? null,
      createdAt: ctx.now().toISOString(),
    },
  };
}

function providerIdFrom(text: string): string | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (json && typeof json === 'object' && 'id' in json && typeof json.id === 'string') {
      const id = json.id.trim();
      if (id.length > 0 && id.length <= 255) return id;
    }
  } catch {
    // Not JSON: fall back to our own id.
  }
  return undefined;
}

/** POSTs the signed `message.created` event to the integrator's webhook. */
export async function sendApiWebhook(
  msg: OutboundMessage,
  ctx: AdapterContext<ApiCredentials>,
  opts: { timeoutMs?: number } = {},
): Promise<SendResult> {
  const { webhookUrl, secret } = ctx.credentials;
  if (!webhookUrl) {
    throw new ChannelError('not_configured', 'API inbox has no webhookUrl configured; outbound messages cannot be delivered');
  }
  const body = JSON.stringify(buildWebhookBody(msg, ctx));
  const res = await fetchText(
    ctx.fetch,
    webhookUrl,
    {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Switchboard-Webhooks/1',
        [SIGNATURE_HEADER]: signApiPayload(secret, body),
        [EVENT_HEADER]: MESSAGE_CREATED,
        [DELIVERY_HEADER]: msg.id,
      },
      body,
    },
    opts,
  );
  if (res.status >= 300 && res.status < 400) {
    throw new ChannelError(
      'rejected',
      `Webhook responded ${res.status} redirect to ${truncate(res.headers.get('location') ?? '?', 200)}; redirects are not followed, configure the final URL`,
      { transient: false, providerStatus: res.status },
    );
  }
  if (!res.ok) throw httpError(res, res.text, 'Webhook');
  return {
    providerMessageId: providerIdFrom(res.text) ?? msg.id,
    status: 'sent',
    metadata: { httpStatus: res.status },
  };
}
