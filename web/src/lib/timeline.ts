// The open conversation's timeline: server messages plus optimistic local sends. A send shows at
// once as `sending`, is replaced by the server's message when the POST answers (or when its
// realtime event arrives first), and is marked `failed` if the POST fails.
import type { MessageDto, RealtimeEvent } from '@switchboard/server/contracts';

export type ComposeMode = 'message' | 'note';

/** What the agent sent, kept on a local entry so that a failed send can go again exactly as it was. */
export interface OutgoingDraft {
  text: string;
  /** Email replies: the Subject and Cc the agent chose. */
  subject?: string | undefined;
  cc?: string[] | undefined;
  files: readonly File[];
}

export interface TimelineEntry {
  /** The server's message id, or `local:<n>` for a send not yet acknowledged. */
  key: string;
  message: MessageDto;
  local?: { state: 'sending' | 'failed'; error?: string; draft?: OutgoingDraft };
}

const time = (iso: string) => Date.parse(iso) || 0;

function sorted(list: TimelineEntry[]): TimelineEntry[] {
  // Local sends stay at the end until the server places them.
  return list.sort((a, b) => Number(Boolean(a.local)) - Number(Boolean(b.local)) || time(a.message.createdAt) - time(b.message.createdAt) || (a.key < b.key ? -1 : 1));
}

/** Loaded pages (newest first from the API) into a timeline, oldest first. */
export function fromMessages(messages: readonly MessageDto[]): TimelineEntry[] {
  return sorted(messages.map((m) => ({ key: m.id, message: m })));
}

/** Adds or replaces a server message (message.created / message.updated / a POST answer). */
export function upsertMessage(list: readonly TimelineEntry[], m: MessageDto): TimelineEntry[] {
  const rest = list.filter((e) => e.key !== m.id);
  return sorted([...rest, { key: m.id, message: m }]);
}

/** Applies a delivery-status update; ignored when the message is not in the timeline. */
export function updateMessage(list: readonly TimelineEntry[], m: MessageDto): TimelineEntry[] {
  return list.some((e) => e.key === m.id) ? upsertMessage(list, m) : [...list];
}

let counter = 0;

export function optimisticEntry(input: {
  conversationId: string;
  inboxId: string;
  kind: 'message' | 'note';
  text: string;
  subject?: string | undefined;
  cc?: string[] | undefined;
  /** The files sent with it: shown by name and size until the server has stored them. */
  files?: readonly File[];
  author: { id: string; name: string };
  now?: Date;
}): TimelineEntry {
  const key = `local:${++counter}`;
  const files = input.files ?? [];
  const email = input.subject !== undefined || input.cc !== undefined ? { emailReply: { ...(input.subject !== undefined ? { subject: input.subject } : {}), ...(input.cc ? { cc: input.cc } : {}) } } : {};
  return {
    key,
    local: { state: 'sending', draft: { text: input.text, subject: input.subject, cc: input.cc, files } },
    message: {
      id: key,
      conversationId: input.conversationId,
      inboxId: input.inboxId,
      direction: 'out',
      kind: input.kind,
      author: { type: 'agent', id: input.author.id, name: input.author.name },
      text: input.text,
      html: null,
      providerMessageId: null,
      deliveryStatus: input.kind === 'message' ? 'queued' : null,
      deliveryError: null,
      metadata: email,
      attachments: files.map((f, i) => ({ id: `${key}:${i}`, name: f.name, contentType: f.type || 'application/octet-stream', size: f.size, url: '', error: null })),
      createdAt: (input.now ?? new Date()).toISOString(),
    },
  };
}

export function addLocal(list: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  return sorted([...list, entry]);
}

/** The server accepted a local send: its message replaces the placeholder (once, even if the event came first). */
export function confirmLocal(list: readonly TimelineEntry[], key: string, m: MessageDto): TimelineEntry[] {
  const known = list.find((e) => e.key === m.id);
  const rest = list.filter((e) => e.key !== key && e.key !== m.id);
  // Keep the newer of the event's and the POST's snapshot (a delivery update may already have arrived).
  const keep = known && statusRank(known.message) > statusRank(m) ? known.message : m;
  return sorted([...rest, { key: m.id, message: keep }]);
}

export function failLocal(list: readonly TimelineEntry[], key: string, error: string): TimelineEntry[] {
  return list.map((e) => (e.key === key ? { ...e, local: { ...e.local, state: 'failed', error } } : e));
}

export function dropLocal(list: readonly TimelineEntry[], key: string): TimelineEntry[] {
  return list.filter((e) => e.key !== key);
}

const RANK = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 1 } as const;
function statusRank(m: MessageDto): number {
  return m.deliveryStatus ? RANK[m.deliveryStatus] : 0;
}

/** Applies a realtime event to the timeline of conversation `conversationId` (other conversations' events are ignored). */
export function applyEventToTimeline(list: readonly TimelineEntry[], e: RealtimeEvent, conversationId: string): TimelineEntry[] {
  if (e.conversationId !== conversationId) return [...list];
  if (e.type === 'message.created') return upsertMessage(list, e.payload.message);
  if (e.type === 'message.updated') return updateMessage(list, e.payload.message);
  return [...list];
}

/** A freshly loaded page under what the timeline already holds (live messages and local sends are newer). */
export function mergeLoaded(list: readonly TimelineEntry[], loaded: readonly MessageDto[]): TimelineEntry[] {
  return list.reduce((acc, entry) => (entry.local ? addLocal(acc, entry) : upsertMessage(acc, entry.message)), fromMessages(loaded));
}
