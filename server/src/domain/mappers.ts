import type {
  ContactDto,
  ConversationDto,
  InboxDto,
  MessageDto,
  UserDto,
  TeamDto,
  LabelDto,
  CannedResponseDto,
  ColleagueDto,
  UserDetailDto,
} from '../contracts/dto.ts';
import type { ConversationRow } from '../repositories/conversations.ts';
import type { MessageRow } from '../repositories/messages.ts';
import type { ContactRow } from '../repositories/contacts.ts';
import type { UserRow } from '../repositories/users.ts';
import { webhookUrlOf } from './adapter-context.ts';

const iso = (d: Date) => d.toISOString();
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);
const obj = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

export const toUserDto = (u: UserRow): UserDto => ({
  id: u.id,
  workspaceId: u.workspaceId,
  email: u.email,
  name: u.name,
  role: u.role,
  availability: u.availability,
  locale: u.locale,
  createdAt: iso(u.createdAt),
});

export const toUserDetailDto = (u: UserRow): UserDetailDto => ({ ...toUserDto(u), disabled: u.disabledAt !== null });

export const toColleagueDto = (u: UserRow): ColleagueDto => ({
  id: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  availability: u.availability,
  disabled: u.disabledAt !== null,
});

export const toConversationDto = (c: ConversationRow): ConversationDto => ({
  id: c.id,
  number: c.number,
  inboxId: c.inboxId,
  contact: { id: c.contact.id, name: c.contact.name },
  status: c.status,
  snoozedUntil: isoOrNull(c.snoozedUntil),
  assigneeId: c.assigneeId,
  teamId: c.teamId,
  priority: c.priority,
  subject: c.subject,
  threadKey: c.threadKey,
  labels: c.labels.map((l) => l.label.name).sort(),
  lastActivityAt: iso(c.lastActivityAt),
  waitingSince: isoOrNull(c.waitingSince),
  firstResponseAt: isoOrNull(c.firstResponseAt),
  resolvedAt: isoOrNull(c.resolvedAt),
  lastMessagePreview: c.lastMessagePreview,
  lastInboundAt: isoOrNull(c.lastInboundAt),
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export const toMessageDto = (m: MessageRow): MessageDto => ({
  id: m.id,
  conversationId: m.conversationId,
  inboxId: m.inboxId,
  direction: m.direction,
  kind: m.kind,
  author: {
    type: m.authorType,
    id: m.authorUserId ?? m.authorContactId,
    name: m.authorUser?.name ?? m.authorContact?.name ?? null,
  },
  text: m.text,
  html: m.html,
  providerMessageId: m.providerMessageId,
  deliveryStatus: m.deliveryStatus,
  deliveryError: m.deliveryError,
  metadata: obj(m.metadata),
  attachments: m.attachments.map((a) => ({
    id: a.id,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    url: attachmentUrl(a.id),
    error: a.error,
  })),
  createdAt: iso(m.createdAt),
});

/** Where agents download an attachment (same origin, access-checked). */
export const attachmentUrl = (id: string): string => `/api/attachments/${id}`;

export const toContactDto = (c: ContactRow): ContactDto => ({
  id: c.id,
  name: c.name,
  company: c.company,
  attributes: obj(c.attributes),
  identities: c.identities.map((i) => ({
    id: i.id,
    kind: i.kind,
    address: i.address,
    verified: i.verified,
    optedOutAt: isoOrNull(i.optedOutAt),
  })),
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

/** The sync state without the instances' internal lease. */
function publicSyncState(v: unknown): Record<string, unknown> {
  const { lease: _lease, ...rest } = obj(v);
  return rest;
}

export function toInboxDto(
  i: {
    id: string;
    kind: InboxDto['kind'];
    name: string;
    publicToken: string;
    settings: unknown;
    syncState: unknown;
    credentials: string | null;
    disabledAt: Date | null;
    createdAt: Date;
    members: Array<{ userId: string }>;
  },
  publicUrl: string,
): InboxDto {
  return {
    id: i.id,
    kind: i.kind,
    name: i.name,
    publicToken: i.publicToken,
    webhookUrl: webhookUrlOf(publicUrl, i.kind, i.publicToken),
    forwardingAddress: i.kind === 'email' ? `${i.publicToken}@${new URL(publicUrl).hostname}` : null,
    settings: obj(i.settings),
    syncState: publicSyncState(i.syncState),
    hasCredentials: i.credentials !== null,
    disabled: i.disabledAt !== null,
    memberIds: i.members.map((m) => m.userId),
    createdAt: iso(i.createdAt),
  };
}

export const toTeamDto = (t: { id: string; name: string; description: string | null; members: Array<{ userId: string }> }): TeamDto => ({
  id: t.id,
  name: t.name,
  description: t.description,
  memberIds: t.members.map((m) => m.userId),
});

export const toLabelDto = (l: { id: string; name: string; color: string; description: string | null }): LabelDto => ({
  id: l.id,
  name: l.name,
  color: l.color,
  description: l.description,
});

export const toCannedDto = (c: { id: string; shortCode: string; content: string }): CannedResponseDto => ({
  id: c.id,
  shortCode: c.shortCode,
  content: c.content,
});
