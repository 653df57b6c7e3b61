import type { PublishedEvent } from '../realtime/relay.ts';
import { widgetStatus } from './dto.ts';
import type { WidgetNamespace } from './gateway.ts';
import { widgetRooms } from './rooms.ts';
import type { WebchatService } from './service.ts';

/**
 * The agents' event feed → the visitors on this instance (each instance forwards to its own sockets, in seq
 * order): a new message (never a note) of a visitor's conversation, and status changes of its messages.
 * Rooms exist only for visitors authenticated as that contact, so an event with no such room costs nothing.
 */
export function forwardEvent(ns: WidgetNamespace, { event }: PublishedEvent, webchat: Pick<WebchatService, 'widgetMessage'>): void {
  if (!event.inboxId) return;
  if (event.type === 'message.created') {
    const { message, conversation } = event.payload;
    if (message.kind !== 'message') return;
    const room = widgetRooms.contact(event.inboxId, conversation.contact.id);
    const members = ns.adapter.rooms.get(room);
    const first = members ? ns.sockets.get(members.values().next().value ?? '') : undefined;
    if (!first) return;
    ns.local.in(room).socketsJoin(widgetRooms.conversation(conversation.id));
    ns.local.to(room).emit('message', webchat.widgetMessage(message, first.data.session.inbox));
  } else if (event.type === 'message.updated') {
    const m = event.payload.message;
    const room = widgetRooms.conversation(m.conversationId);
    if (m.kind !== 'message' || !ns.adapter.rooms.get(room)?.size) return;
    ns.local.to(room).emit('message:status', { id: m.id, status: widgetStatus(m) });
  }
}
