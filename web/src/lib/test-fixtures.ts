// Small DTO builders for unit tests.
import type { ConversationDto, MessageDto } from '@switchboard/server/contracts';

export function conv(id: string, over: Partial<ConversationDto> = {}): ConversationDto {
  return {
    id,
    number: 1,
    inboxId: 'inbox-1',
    contact: { id: `contact-${id}`, name: `Contact ${id}` },
    status: 'open',
    snoozedUntil: null,
    assigneeId: null,
    teamId: null,
    priority: 'none',
    subject: null,
    threadKey: null,
    labels: [],
    lastActivityAt: '2026-01-01T10:00:00.000Z',
    waitingSince: null,
    firstResponseAt: null,
    resolvedAt: null,
    lastMessagePreview: null,
    lastInboundAt: null,
    createdAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}

export function msg(id: string, over: Partial<MessageDto> = {}): MessageDto {
  return {
    id,
    conversationId: 'c1',
    inboxId: 'inbox-1',
    direction: 'in',
    kind: 'message',
    author: { type: 'contact', id: 'contact-1', name: 'Max' },
    text: `text ${id}`,
    html: null,
    providerMessageId: null,
    deliveryStatus: null,
    deliveryError: null,
    metadata: {},
    attachments: [],
    createdAt: '2026-01-01T10:00:00.000Z',
    ...over,
  };
}
