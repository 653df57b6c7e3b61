// Wire types shared by the server, the console and integration tests. Types only: no runtime code.

export type Role = 'admin' | 'lead' | 'agent';
export type Availability = 'online' | 'busy' | 'offline';
export type InboxKind = 'email' | 'sms' | 'whatsapp' | 'webchat' | 'slack' | 'messenger' | 'instagram' | 'telegram' | 'api';
export type ConversationStatus = 'open' | 'pending' | 'snoozed' | 'resolved';
export type Priority = 'none' | 'low' | 'medium' | 'high' | 'urgent';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
export type IdentityKind = 'email' | 'phone' | 'slack' | 'messenger' | 'instagram' | 'telegram' | 'webchat' | 'api';

export interface UserDto {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  role: Role;
  availability: Availability;
  locale: string | null;
  createdAt: string;
}

/** A colleague as everyone in the workspace sees them (GET /api/users). */
export interface ColleagueDto {
  id: string;
  name: string;
  email: string;
  role: Role;
  availability: Availability;
  disabled: boolean;
}

/** A user as returned by /api/users/{id} (create, get, update). */
export interface UserDetailDto extends UserDto {
  disabled: boolean;
}

/** A personal API token (the secret itself is shown only once, at creation). */
export interface ApiTokenDto {
  id: string;
  name: string;
  prefix: string;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface CreatedApiTokenDto {
  id: string;
  name: string;
  prefix: string;
  /** The plaintext `sb_…` token. Shown once; only its hash is stored. */
  token: string;
}

export interface TeamDto {
  id: string;
  name: string;
  description: string | null;
  memberIds: string[];
}

export interface InboxDto {
  id: string;
  kind: InboxKind;
  name: string;
  publicToken: string;
  /** The URL to paste into the provider's console. */
  webhookUrl: string;
  /** Email: where to forward mail for this inbox (`<publicToken>@<PUBLIC_URL host>`, see SMTP_INBOUND_PORT); null otherwise. */
  forwardingAddress: string | null;
  settings: Record<string, unknown>;
  syncState: Record<string, unknown>;
  hasCredentials: boolean;
  /** Paused by an admin (PATCH /api/inboxes/{id} `disabled`): webhooks answer 404, sync stops, replies are refused. */
  disabled: boolean;
  memberIds: string[];
  createdAt: string;
}

export interface IdentityDto {
  id: string;
  kind: IdentityKind;
  address: string;
  verified: boolean;
  optedOutAt: string | null;
}

export interface ContactDto {
  id: string;
  name: string | null;
  company: string | null;
  attributes: Record<string, unknown>;
  identities: IdentityDto[];
  createdAt: string;
  updatedAt: string;
}

/** Another customer on a conversation besides its contact (email Cc). */
export interface ParticipantDto {
  role: string;
  contact: ContactDto;
}

export interface ConversationDto {
  id: string;
  number: number;
  inboxId: string;
  contact: { id: string; name: string | null };
  status: ConversationStatus;
  snoozedUntil: string | null;
  assigneeId: string | null;
  teamId: string | null;
  priority: Priority;
  subject: string | null;
  threadKey: string | null;
  labels: string[];
  lastActivityAt: string;
  waitingSince: string | null;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  lastMessagePreview: string | null;
  /** When the newest customer message arrived (server time); null when the customer never wrote. */
  lastInboundAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttachmentDto {
  id: string;
  name: string;
  contentType: string;
  size: number;
  url: string;
  /** Why the file is not available: `too_large: …` (over the size limit, not stored) or a failed download. */
  error: string | null;
}

/** What an agent may attach to one reply or note (GET /api/session `limits`; the server enforces the same). */
export interface ComposeLimitsDto {
  /** Largest single file, in bytes. */
  attachmentMaxBytes: number;
  /** All files of one message together, in bytes. */
  messageAttachmentsMaxBytes: number;
  /** Files per message. */
  messageAttachmentsMaxCount: number;
  /** Lower limits of replies on some channels (their provider takes less), by inbox kind. */
  channels?: Partial<Record<InboxKind, Omit<ComposeLimitsDto, 'channels'>>>;
}

export interface MessageDto {
  id: string;
  conversationId: string;
  inboxId: string;
  direction: 'in' | 'out';
  kind: 'message' | 'note' | 'activity';
  author: { type: 'contact' | 'agent' | 'system'; id: string | null; name: string | null };
  text: string;
  html: string | null;
  providerMessageId: string | null;
  deliveryStatus: DeliveryStatus | null;
  deliveryError: string | null;
  metadata: Record<string, unknown>;
  attachments: AttachmentDto[];
  createdAt: string;
}

export interface LabelDto {
  id: string;
  name: string;
  color: string;
  description: string | null;
}

export interface CannedResponseDto {
  id: string;
  shortCode: string;
  content: string;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}
