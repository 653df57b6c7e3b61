// Fetch wrapper for the REST API. The session lives in an httpOnly cookie; cookie-authenticated
// writes must carry the session's CSRF token, which is kept in memory only (never in storage).
import type {
  CannedResponseDto,
  ColleagueDto,
  ComposeLimitsDto,
  ContactDto,
  ConversationDto,
  ConversationReadDto,
  ConversationStatus,
  ErrorBody,
  IdentityKind,
  InboxDto,
  LabelDto,
  MessageDto,
  Page,
  ParticipantDto,
  Priority,
  TeamDto,
  UnreadCountsDto,
  UserDto,
} from '@switchboard/server/contracts';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (data as Partial<ErrorBody> | null)?.error;
    throw new ApiError(res.status, err?.code ?? `http_${res.status}`, err?.message ?? res.statusText);
  }
  return data as T;
}

export interface SessionInfo {
  user: UserDto;
  csrfToken: string | null;
  /** What an agent may attach (the server's limits). */
  limits: ComposeLimitsDto;
}

export const api = {
  setupStatus: () => request<{ needsSetup: boolean }>('GET', '/setup'),
  setup: (input: { workspaceName: string; name: string; email: string; password: string }) =>
    request<SessionInfo & { expiresAt: string }>('POST', '/setup', input),
  login: (email: string, password: string) => request<SessionInfo & { expiresAt: string }>('POST', '/session', { email, password }),
  session: () => request<SessionInfo>('GET', '/session'),
  logout: () => request<void>('DELETE', '/session'),
  conversations: (query: string) => request<Page<ConversationDto> & { total: number | null }>('GET', `/conversations?${query}`),
  conversation: (id: string) => request<ConversationDto>('GET', `/conversations/${id}`),
  updateConversation: (id: string, patch: ConversationPatch) => request<ConversationDto>('PATCH', `/conversations/${id}`, patch),
  messages: (id: string, limit = 100) => request<Page<MessageDto>>('GET', `/conversations/${id}/messages?limit=${limit}`),
  reply: (id: string, body: ComposeBody) => request<MessageDto>('POST', `/conversations/${id}/messages`, body),
  note: (id: string, body: ComposeBody) => request<MessageDto>('POST', `/conversations/${id}/notes`, body),
  participants: (id: string) => request<{ items: ParticipantDto[] }>('GET', `/conversations/${id}/participants`),
  retry: (messageId: string) => request<MessageDto>('POST', `/messages/${messageId}/retry`),
  contact: (id: string) => request<ContactDto>('GET', `/contacts/${id}`),
  updateContact: (id: string, patch: { name?: string | null; company?: string | null; attributes?: Record<string, unknown> }) =>
    request<ContactDto>('PATCH', `/contacts/${id}`, patch),
  addIdentity: (id: string, identity: { kind: IdentityKind; address: string }) => request<ContactDto>('POST', `/contacts/${id}/identities`, identity),
  removeIdentity: (id: string, identityId: string) => request<void>('DELETE', `/contacts/${id}/identities/${identityId}`),
  contactConversations: (id: string) => request<Page<ConversationDto>>('GET', `/contacts/${id}/conversations?limit=20`),
  users: () => request<ColleagueDto[]>('GET', '/users'),
  teams: () => request<TeamDto[]>('GET', '/teams'),
  inboxes: () => request<InboxDto[]>('GET', '/inboxes'),
  labels: () => request<LabelDto[]>('GET', '/labels'),
  canned: () => request<CannedResponseDto[]>('GET', '/canned-responses'),
  // console-live: unread state and read receipts
  markRead: (id: string) => request<ConversationReadDto>('POST', `/conversations/${id}/read`),
  reads: (ids: readonly string[]) => request<{ items: ConversationReadDto[] }>('GET', `/conversations/reads?ids=${ids.join(',')}`),
  unreadCounts: () => request<UnreadCountsDto>('GET', '/conversations/unread-counts'),
  seen: (id: string) => request<{ updated: number }>('POST', `/conversations/${id}/seen`),
  bulkConversations: (ids: string[], action: BulkAction) => request<{ items: ConversationDto[] }>('POST', '/conversations/bulk', { ids, action }),
  updateUser: (id: string, patch: { locale?: string | null }) => request<UserDto>('PATCH', `/users/${id}`, patch),
};

/** A reply or note: text and files; email replies also their Subject and Cc. */
export interface ComposeBody {
  text?: string;
  subject?: string;
  cc?: string[];
  attachments?: Array<{ name: string; contentType: string; contentBase64: string }>;
}

/** What POST /api/conversations/bulk does to each conversation (all or nothing). */
export type BulkAction =
  | { type: 'assign'; assigneeId: string | null }
  | { type: 'team'; teamId: string | null }
  | { type: 'status'; status: ConversationStatus }
  | { type: 'priority'; priority: Priority }
  | { type: 'addLabels'; labels: string[] }
  | { type: 'removeLabels'; labels: string[] };

/** Most ids one bulk request takes. */
export const BULK_MAX = 100;

export interface ConversationPatch {
  status?: ConversationStatus;
  snoozedUntil?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  priority?: Priority;
  labels?: string[];
}

