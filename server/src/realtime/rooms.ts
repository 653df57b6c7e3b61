/** Socket.IO room names. Ids are UUIDs, unique across workspaces. */
export const rooms = {
  user: (id: string) => `user:${id}`,
  inbox: (id: string) => `inbox:${id}`,
  workspace: (id: string) => `ws:${id}`,
};
