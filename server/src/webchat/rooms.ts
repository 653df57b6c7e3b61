import type { VisitorClaims } from '@switchboard/channels';

/** Rooms of the `/widget` namespace. Only sockets authenticated as the visitor join their own rooms. */
export const widgetRooms = {
  /** Every visitor of an inbox (agent presence). */
  inbox: (inboxId: string) => `wi:${inboxId}`,
  /** One visitor on all their tabs: the browser's visitor id, or the verified user on any device. */
  visitor: (c: Pick<VisitorClaims, 'inboxId' | 'userId' | 'visitorId'>) => (c.userId ? `wu:${c.inboxId}:${c.userId}` : `wv:${c.inboxId}:${c.visitorId}`),
  /** The visitor's contact in this inbox: new messages of its conversations. */
  contact: (inboxId: string, contactId: string) => `wc:${inboxId}:${contactId}`,
  /** One conversation of the visitor: status changes of its messages. */
  conversation: (conversationId: string) => `wconv:${conversationId}`,
};
