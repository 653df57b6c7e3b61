/** Socket.IO room names. Ids are UUIDs, unique across workspaces. */
export const rooms = {
  user: (id: string) => `user:${id}`,
  inbox: (id: string) => `inbox:${id}`,
  workspace: (id: string) => `ws:${id}`,
  /** Admins and leads of a workspace: they see every inbox, including ones created later. */
  allInboxes: (workspaceId: string) => `inboxes:${workspaceId}`,
  /** Sockets that have the conversation open (collision detection, realtime/presence.ts). */
  conversation: (id: string) => `conv:${id}`,
};
