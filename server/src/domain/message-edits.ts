import type { InboundEdit } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import { htmlToText, sanitizeHtml } from '../lib/html.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Db } from '../repositories/store.ts';
import { systemActor } from './actor.ts';
import { recordEvent } from './events.ts';
import { toMessageDto } from './mappers.ts';

const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? { ...(v as Record<string, unknown>) } : {});

/**
 * A customer edited or deleted a message they sent (Slack `message_changed` / `message_deleted`): the stored
 * inbound message takes the new content and `metadata.editedAt`, or loses its content and gets
 * `metadata.deletedAt`. Idempotent and order-safe: a deleted message stays deleted, an edit older than the one
 * applied is ignored, an unchanged text changes nothing. Agents see it live (`message.updated`).
 */
export async function applyInboundEdit(tx: Db, inbox: { id: string; workspaceId: string }, edit: InboundEdit): Promise<boolean> {
  const message = await messagesRepo.byProviderId(tx, inbox.id, edit.providerMessageId);
  if (!message || message.direction !== 'in') return false;
  const metadata = objectOf(message.metadata);
  if (metadata.deletedAt) return false;
  const at = edit.occurredAt.toISOString();
  let content: { text: string; html: string | null };
  if (edit.deleted) {
    content = { text: '', html: null };
    metadata.deletedAt = at;
  } else {
    if (typeof metadata.editedAt === 'string' && metadata.editedAt >= at) return false;
    const html = edit.html?.trim() ? sanitizeHtml(edit.html) : null;
    content = { text: edit.text ?? (edit.html ? htmlToText(edit.html) : ''), html };
    if (content.text === message.text && content.html === message.html) return false;
    metadata.editedAt = at;
  }
  const updated = await messagesRepo.updateContent(tx, message.id, { ...content, metadata: metadata as Prisma.InputJsonValue });
  const actor = message.authorContactId ? { kind: 'contact' as const, workspaceId: inbox.workspaceId, contactId: message.authorContactId } : systemActor(inbox.workspaceId);
  await recordEvent(
    tx,
    actor,
    'message.updated',
    { inboxId: inbox.id, conversationId: message.conversationId },
    { message: toMessageDto(updated) },
  );
  return true;
}
