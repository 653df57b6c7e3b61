import { fileSignature, type WebchatSettings } from '@switchboard/channels';
import type { MessageDto } from '../contracts/dto.ts';
import type { WidgetConfig, WidgetMessage } from '../contracts/widget.ts';
import type { WebchatInbox } from './inboxes.ts';

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** Signed download path of an attachment of the visitor's conversation (the widget prefixes its server's origin). */
export function widgetFilePath(inbox: WebchatInbox, attachmentId: string): string {
  return `/widget/files/${inbox.publicToken}/${attachmentId}?sig=${fileSignature(inbox.ctx.credentials.secret, attachmentId)}`;
}

/** A message of the visitor's conversation as the widget shows it. Notes and activities never get here. */
export function toWidgetMessage(m: MessageDto, inbox: WebchatInbox): WidgetMessage {
  const webchat = obj(m.metadata.webchat);
  const from = m.direction === 'out' ? 'agent' : 'visitor';
  return {
    id: m.id,
    conversationId: m.conversationId,
    from,
    clientId: typeof webchat.clientId === 'string' ? webchat.clientId : null,
    author: from === 'agent' ? m.author.name : null,
    text: m.text,
    attachments: m.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size, path: widgetFilePath(inbox, a.id) })),
    status: widgetStatus(m),
    viaEmail: m.metadata.email !== undefined,
    createdAt: m.createdAt,
  };
}

/** What a visitor's message shows of delivery: for the widget, an inbound message is `read` once an agent saw it. */
export const widgetStatus = (m: Pick<MessageDto, 'direction' | 'deliveryStatus'>): WidgetMessage['status'] =>
  m.deliveryStatus === 'read' ? 'read' : m.deliveryStatus === 'delivered' && m.direction === 'out' ? 'delivered' : 'sent';

export function toWidgetConfig(inbox: WebchatInbox): WidgetConfig {
  const s: WebchatSettings = inbox.ctx.settings;
  return {
    inbox: inbox.publicToken,
    title: s.title,
    greeting: s.greeting,
    expectedReplyTime: s.expectedReplyTime,
    color: s.color,
    position: s.position,
    locale: s.locale,
    preChatForm: s.preChatForm,
    attachments: s.attachments,
    maxTextLength: s.limits.maxTextLength,
  };
}
