// Socket.IO event maps shared by the server gateway and every client (console, tests).
import type { ConversationDto, MessageDto } from './dto.ts';
import type { PresenceActivity, PresenceEntry, PresenceJoinAck } from './presence.ts';

export interface RealtimeEventMap {
  'conversation.created': { conversation: ConversationDto };
  'conversation.updated': { conversation: ConversationDto; changes: string[] };
  'message.created': { message: MessageDto; conversation: ConversationDto };
  'message.updated': { message: MessageDto };
  'assignment.changed': {
    conversation: ConversationDto;
    previousAssigneeId: string | null;
    previousTeamId: string | null;
  };
  /** You marked a conversation read (POST /api/conversations/{id}/read; sent to your own connections only). */
  'conversation.read': { conversationId: string; readAt: string };
}

export type RealtimeEventType = keyof RealtimeEventMap;

/** One published event. `seq` is gap-free per deployment and increases in commit order. */
export type RealtimeEvent = {
  [K in RealtimeEventType]: {
    seq: number;
    type: K;
    workspaceId: string;
    inboxId: string | null;
    conversationId: string | null;
    actor: { type: 'contact' | 'agent' | 'system'; id: string | null };
    createdAt: string;
    payload: RealtimeEventMap[K];
  };
}[RealtimeEventType];

/**
 * Someone is (no longer) typing in a conversation: a chat visitor (`contact`) or another agent. Live only:
 * not in the event log, never replayed. Sent to the agents who may see the conversation's inbox.
 */
export interface TypingEvent {
  conversationId: string;
  inboxId: string;
  author: { type: 'contact' | 'agent'; id: string; name: string | null };
  typing: boolean;
}

export interface ServerToClientEvents {
  typing: (e: TypingEvent) => void;
  /** Another tab joined, changed its activity in, or left a conversation this socket has joined. Live only. */
  presence: (e: PresenceEntry) => void;
  /** A live event, or a replayed one (replay: true) after a reconnect. */
  event: (e: RealtimeEvent & { replay?: boolean }) => void;
  /**
   * Sent once after the replay that follows every (re)connect. `lastSeq`: the newest replayed seq
   * (the handshake's when nothing was replayed), or the server's newest seq when the handshake had
   * none. `truncated`: the replay stopped early (too far behind): reload lists instead.
   */
  'replay:done': (info: { lastSeq: number; count: number; truncated: boolean }) => void;
}

export interface ClientToServerEvents {
  ping: (ack: (now: string) => void) => void;
  /** The agent is (no longer) typing a reply: the chat visitor sees it, and so do the other agents. */
  typing: (p: { conversationId: string; typing: boolean }) => void;
  /**
   * Collision detection: the agent opened a conversation (the others who have it open are told, and the ack
   * lists them). `not_found` when you may not see it; `too_many` past 20 open conversations per socket.
   */
  'presence:join': (p: { conversationId: string }, ack?: (r: PresenceJoinAck) => void) => void;
  /** What the agent does in a joined conversation; also the heartbeat (send every 20 s, and every few seconds while writing). */
  presence: (p: { conversationId: string; activity: PresenceActivity }) => void;
  /** The agent left the conversation. Disconnecting leaves every conversation. */
  'presence:leave': (p: { conversationId: string }) => void;
}

/**
 * Handshake auth: `{ token?: string, lastSeq?: number }`. Browsers authenticate with the
 * session cookie (same origin only); integrations pass an API token. `lastSeq` is the newest
 * event seq the client has applied: it receives everything after it that it may see (replay)
 * before `replay:done`. A refused handshake fails with `connect_error` 'unauthenticated' or
 * 'forbidden origin'. Sockets whose user is disabled, or whose session or token is gone, are
 * disconnected at the next access change.
 */
export interface HandshakeAuth {
  token?: string;
  lastSeq?: number;
}
