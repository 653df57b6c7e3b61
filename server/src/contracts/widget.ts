// The chat widget's Socket.IO namespace (`/widget`, same port and path as the agents' `/`) and its small REST
// API (`/widget/api/*`): wire types shared by the server and the widget. Types only: no runtime code.

export type WidgetFieldMode = 'off' | 'optional' | 'required';
export type WidgetReplyTime = 'minutes' | 'hour' | 'hours' | 'day';

/** `GET /widget/api/config?inbox=<publicToken>`: what the widget shows before it connects. */
export interface WidgetConfig {
  inbox: string;
  title: string;
  greeting: string;
  expectedReplyTime: WidgetReplyTime;
  color: string;
  position: 'right' | 'left';
  locale: 'auto' | 'en' | 'de';
  preChatForm: { enabled: boolean; name: WidgetFieldMode; email: WidgetFieldMode };
  attachments: { enabled: boolean; maxBytes: number; types: string[] };
  maxTextLength: number;
}

export interface WidgetAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** Signed download path on the Switchboard server (`/widget/files/…`): prefix the server's origin. */
  path: string;
}

/** A message as the visitor sees it: never a private note, never an agent's email or internal fields. */
export interface WidgetMessage {
  id: string;
  conversationId: string;
  /** `visitor`: the visitor wrote it (in the widget, or by email); `agent`: a reply. */
  from: 'visitor' | 'agent';
  /** The id the widget gave a message it sent (to match its optimistic copy); null otherwise. */
  clientId: string | null;
  /** The agent's name on replies. */
  author: string | null;
  text: string;
  attachments: WidgetAttachment[];
  /**
   * Agent replies: `read` once the visitor saw them. Visitor messages: `read` once an agent opened the
   * conversation (the widget shows "Seen").
   */
  status: 'sent' | 'delivered' | 'read';
  /** Written by email (continuity) rather than in the widget. */
  viaEmail: boolean;
  createdAt: string;
}

export interface WidgetVisitor {
  name: string | null;
  email: string | null;
  /** The site proved who this is (identity verification). */
  verified: boolean;
}

/** Agents who may answer in this inbox: someone is available (online, console open). */
export interface WidgetAgentsStatus {
  online: boolean;
}

/** Sent once after every (re)connect: the renewed token and the conversation so far. */
export interface WidgetSession {
  /** Keep it (localStorage) and send it with the next handshake: the visitor stays who they are. */
  token: string;
  visitor: WidgetVisitor;
  /** Oldest first; `hasMore`: older ones can be loaded with `history`. */
  messages: WidgetMessage[];
  hasMore: boolean;
  agents: WidgetAgentsStatus;
}

export type WidgetErrorCode =
  | 'rate_limited'
  | 'payload_too_large'
  | 'validation_failed'
  | 'prechat_required'
  | 'invalid_upload'
  | 'unavailable';

export interface WidgetError {
  code: WidgetErrorCode;
  message: string;
  retryAfterSeconds?: number;
}

export type WidgetAck<T extends object = object> = ({ ok: true } & T) | { ok: false; error: WidgetError };

export interface WidgetSendInput {
  /** 8-64 characters of A-Z a-z 0-9 _ -, unique per message: a resend with the same id is stored once. */
  clientId: string;
  text: string;
  /** Receipts from `POST /widget/api/uploads`. */
  uploads?: string[];
  /** The page the visitor is on (shown to agents). */
  pageUrl?: string;
}

export interface WidgetServerEvents {
  session: (s: WidgetSession) => void;
  /** A new message in the visitor's conversation: an agent reply, or the visitor's own from another tab. */
  message: (m: WidgetMessage) => void;
  'message:status': (s: { id: string; status: WidgetMessage['status'] }) => void;
  /** An agent is (no longer) typing. */
  typing: (t: { typing: boolean; name: string | null }) => void;
  agents: (a: WidgetAgentsStatus) => void;
}

export interface WidgetClientEvents {
  'message:send': (m: WidgetSendInput, ack: (r: WidgetAck<{ message: WidgetMessage }>) => void) => void;
  /** The pre-chat form: name and email (unverified claims). Answers with the renewed token. */
  'profile:set': (p: { name?: string; email?: string }, ack: (r: WidgetAck<{ token: string; visitor: WidgetVisitor }>) => void) => void;
  typing: (typing: boolean) => void;
  /** Agent replies the widget received (`delivered`) or showed to the visitor (`read`). */
  'messages:ack': (a: { ids: string[]; status: 'delivered' | 'read' }) => void;
  /** Older messages than `before` (a message id). */
  history: (q: { before: string }, ack: (r: WidgetAck<{ messages: WidgetMessage[]; hasMore: boolean }>) => void) => void;
}

/** What a site passes for a logged-in customer; the hashes are computed by its backend (see docs/channels/webchat.md). */
export interface WidgetIdentity {
  userId: string;
  /** Hex HMAC-SHA256(inbox identity secret, userId). */
  userHash: string;
  email?: string;
  /** Hex HMAC-SHA256(inbox identity secret, email): makes the email a verified identity too. */
  emailHash?: string;
  name?: string;
}

/** Handshake auth of the `/widget` namespace. */
export interface WidgetHandshakeAuth {
  /** The inbox's public token (`data-inbox` of the script tag). */
  inbox: string;
  /** The visitor token from the last `session`; without it a new visitor starts. */
  token?: string;
  identity?: WidgetIdentity;
}

/**
 * `connect_error` of a refused handshake: `err.message` is the code, `err.data` this object.
 * `unknown_inbox` (no such webchat inbox, or disabled), `forbidden_origin` (the page's origin is not allowed),
 * `invalid_identity` (the identity hash does not match: nothing is merged), `rate_limited` (too many new
 * visitors from this address), `unavailable`.
 */
export interface WidgetConnectError {
  code: 'unknown_inbox' | 'forbidden_origin' | 'invalid_identity' | 'rate_limited' | 'unavailable';
  message: string;
}

/** `POST /widget/api/uploads` answer: attach `upload` to the next message (valid for an hour). */
export interface WidgetUpload {
  upload: string;
  name: string;
  contentType: string;
  size: number;
}
