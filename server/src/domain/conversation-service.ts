import type { ConversationDto, ConversationStatus, Page, ParticipantDto, Priority } from '../contracts/dto.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { labelsRepo } from '../repositories/catalog.ts';
import { conversationListRepo } from '../repositories/conversation-list.ts';
import { conversationsRepo, type ConversationFilter } from '../repositories/conversations.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Db, Store } from '../repositories/store.ts';
import { teamsRepo } from '../repositories/teams.ts';
import { usersRepo } from '../repositories/users.ts';
import { assertInboxVisible, requireLead, visibleInboxIds } from './access.ts';
import type { Actor } from './actor.ts';
import { decodeCursor, decodeWaitingCursor, encodeCursor, encodeWaitingCursor } from './cursor.ts';
import { recordEvent } from './events.ts';
import { toContactDto, toConversationDto, toMessageDto } from './mappers.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { participantsRepo } from '../repositories/participants.ts';

export interface ConversationQuery {
  status?: ConversationStatus[] | undefined;
  /** A user id, or 'me', or 'none' (unassigned). */
  assignee?: string | undefined;
  /** A team id, or 'none'. */
  team?: string | undefined;
  inboxId?: string | undefined;
  label?: string | undefined;
  contactId?: string | undefined;
  /** Full-text search: contact name, email, phone, subject, messages and notes (every word, as a prefix). */
  q?: string | undefined;
  /** `activity` (default): newest activity first. `waiting`: waiting customers first, the longest waiting on top. */
  sort?: 'activity' | 'waiting' | undefined;
  limit: number;
  cursor?: string | undefined;
  /** false: no count (total null). */
  total?: boolean | undefined;
}

export interface ConversationPatch {
  status?: ConversationStatus | undefined;
  snoozedUntil?: string | null | undefined;
  assigneeId?: string | null | undefined;
  teamId?: string | null | undefined;
  priority?: Priority | undefined;
  labels?: string[] | undefined;
  /** Internal (bulk): labels to add to / remove from the current ones. */
  addLabels?: string[] | undefined;
  removeLabels?: string[] | undefined;
}

/** Most conversations one bulk request may change. */
export const BULK_MAX = 100;

/** What POST /api/conversations/bulk does to each conversation. */
export type BulkAction =
  | { type: 'assign'; assigneeId: string | null }
  | { type: 'team'; teamId: string | null }
  | { type: 'status'; status: ConversationStatus; snoozedUntil?: string | undefined }
  | { type: 'priority'; priority: Priority }
  | { type: 'addLabels'; labels: string[] }
  | { type: 'removeLabels'; labels: string[] };

function bulkPatch(a: BulkAction): ConversationPatch {
  switch (a.type) {
    case 'assign':
      return { assigneeId: a.assigneeId };
    case 'team':
      return { teamId: a.teamId };
    case 'status':
      return { status: a.status, snoozedUntil: a.snoozedUntil };
    case 'priority':
      return { priority: a.priority };
    case 'addLabels':
      return { addLabels: a.labels };
    case 'removeLabels':
      return { removeLabels: a.labels };
  }
}

export class ConversationService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async list(actor: Actor, q: ConversationQuery): Promise<Page<ConversationDto> & { total: number | null }> {
    const db = this.#store.prisma;
    const filter: ConversationFilter = { inboxIds: await visibleInboxIds(db, actor) };
    if (q.status?.length) filter.status = q.status;
    if (q.assignee) filter.assigneeId = q.assignee === 'none' ? null : q.assignee === 'me' && actor.kind === 'user' ? actor.userId : q.assignee;
    if (q.team) filter.teamId = q.team === 'none' ? null : q.team;
    if (q.inboxId) filter.inboxId = q.inboxId;
    if (q.contactId) filter.contactId = q.contactId;
    if (q.q?.trim()) filter.search = q.q.trim();
    if (q.label) {
      const [label] = await labelsRepo.byNames(db, actor.workspaceId, [q.label]);
      if (!label) return { items: [], nextCursor: null, total: 0 };
      filter.labelId = label.id;
    }
    const [page, total] = await Promise.all([
      q.sort === 'waiting' ? this.#waitingPage(db, actor.workspaceId, filter, q) : this.#activityPage(db, actor.workspaceId, filter, q),
      q.total === false ? null : conversationListRepo.count(db, actor.workspaceId, filter),
    ]);
    return { ...page, total };
  }

  async #activityPage(db: Db, workspaceId: string, filter: ConversationFilter, q: ConversationQuery): Promise<Page<ConversationDto>> {
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await conversationListRepo.byActivity(db, workspaceId, filter, q.limit + 1, after);
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    return { items: items.map(toConversationDto), nextCursor: rows.length > q.limit && last ? encodeCursor(last.lastActivityAt, last.id) : null };
  }

  /**
   * "Longest waiting": the conversations whose customer waits for an answer (waitingSince set: their
   * message came last), the longest waiting first, then all others by newest activity. Two keyset
   * phases; a page that ends the first one is filled up from the second.
   */
  async #waitingPage(db: Db, workspaceId: string, filter: ConversationFilter, q: ConversationQuery): Promise<Page<ConversationDto>> {
    const at = q.cursor ? decodeWaitingCursor(q.cursor) : undefined;
    const rows = at?.phase === 'rest' ? [] : await conversationListRepo.byWaiting(db, workspaceId, filter, q.limit + 1, at);
    if (rows.length <= q.limit) {
      const after = at?.phase === 'rest' ? at : undefined;
      rows.push(...(await conversationListRepo.byActivity(db, workspaceId, filter, q.limit + 1 - rows.length, after, { notWaiting: true })));
    }
    const items = rows.slice(0, q.limit);
    const last = items.at(-1);
    const cursor = (c: NonNullable<typeof last>) =>
      encodeWaitingCursor(c.waitingSince ? { phase: 'waiting', at: c.waitingSince, id: c.id } : { phase: 'rest', at: c.lastActivityAt, id: c.id });
    return { items: items.map(toConversationDto), nextCursor: rows.length > q.limit && last ? cursor(last) : null };
  }

  async get(actor: Actor, id: string): Promise<ConversationDto> {
    const c = await conversationsRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!c) throw notFound('Conversation');
    await assertInboxVisible(this.#store.prisma, actor, c.inboxId);
    return toConversationDto(c);
  }

  /** The other customers on a conversation (email Cc), oldest first. */
  async participants(actor: Actor, id: string): Promise<{ items: ParticipantDto[] }> {
    await this.get(actor, id);
    const rows = await participantsRepo.list(this.#store.prisma, actor.workspaceId, id);
    const contacts = await Promise.all(rows.map((r) => contactsRepo.get(this.#store.prisma, actor.workspaceId, r.contactId)));
    return {
      items: rows.flatMap((r, i) => {
        const contact = contacts[i];
        return contact ? [{ role: r.role, contact: toContactDto(contact) }] : [];
      }),
    };
  }

  async update(actor: Actor, id: string, patch: ConversationPatch): Promise<ConversationDto> {
    await this.get(actor, id); // visibility first: a hidden conversation is simply not found
    if (patch.teamId !== undefined) requireLead(actor);
    return this.#store.transaction((tx) => this.#apply(tx, actor, id, patch));
  }

  /**
   * One change to many conversations, all or nothing: when any id is not a conversation the actor may
   * see, not_found names them and nothing changes; a change refused for one of them (e.g. an assignee
   * who is no member of its inbox) rolls back all. Each conversation changes exactly as by `update`,
   * with the same events. At most BULK_MAX ids (the route enforces it).
   */
  async bulk(actor: Actor, ids: string[], action: BulkAction): Promise<{ items: ConversationDto[] }> {
    const unique = [...new Set(ids)];
    const db = this.#store.prisma;
    const found = await conversationsRepo.inboxesOf(db, actor.workspaceId, unique);
    const visible = await visibleInboxIds(db, actor);
    const seen = new Set(found.filter((c) => visible === null || visible.includes(c.inboxId)).map((c) => c.id));
    const missing = unique.filter((id) => !seen.has(id));
    if (missing.length) throw new AppError('not_found', `Conversations not found: ${missing.join(', ')}`, { ids: missing });
    if (action.type === 'team') requireLead(actor);
    const patch = bulkPatch(action);
    // Locks in id order: two bulk changes over overlapping conversations never deadlock.
    const ordered = unique.slice().sort();
    const updated = await this.#store.transaction(async (tx) => {
      const out = new Map<string, ConversationDto>();
      for (const id of ordered) out.set(id, await this.#apply(tx, actor, id, patch));
      return out;
    });
    return { items: unique.map((id) => updated.get(id)!) };
  }

  /** Applies a patch to one conversation inside the caller's transaction; records activity messages and events. */
  async #apply(tx: Db, actor: Actor, id: string, patch: ConversationPatch): Promise<ConversationDto> {
    const c = await conversationsRepo.getForUpdate(tx, actor.workspaceId, id);
    if (!c) throw notFound('Conversation');
    const data: Parameters<typeof conversationsRepo.update>[3] = {};
    const changes: string[] = [];
    const activity: string[] = [];
    const actorName = actor.kind === 'user' ? actor.name : 'System';

    if (patch.status !== undefined && patch.status !== c.status) {
      data.status = patch.status;
      changes.push('status');
      activity.push(`${actorName} changed the status to ${patch.status}`);
      data.resolvedAt = patch.status === 'resolved' ? new Date() : null;
      if (patch.status !== 'snoozed') data.snoozedUntil = null;
    }
    const status = patch.status ?? c.status;
    if (status === 'snoozed') {
      const until = patch.snoozedUntil ? new Date(patch.snoozedUntil) : c.snoozedUntil;
      if (!until || Number.isNaN(until.getTime()) || until.getTime() <= Date.now()) {
        throw new AppError('validation_failed', 'Snoozing needs a time in the future', { fieldErrors: { snoozedUntil: ['Must be in the future'] } });
      }
      if (until.getTime() !== c.snoozedUntil?.getTime()) {
        data.snoozedUntil = until;
        if (!changes.includes('snoozedUntil')) changes.push('snoozedUntil');
      }
    }
    if (patch.priority !== undefined && patch.priority !== c.priority) {
      data.priority = patch.priority;
      changes.push('priority');
    }
    if (patch.assigneeId !== undefined && patch.assigneeId !== c.assigneeId) {
      if (patch.assigneeId !== null) await this.#assertAssignable(tx, actor.workspaceId, c.inboxId, patch.assigneeId);
      data.assigneeId = patch.assigneeId;
      changes.push('assigneeId');
      const name = patch.assigneeId ? (await usersRepo.get(tx, actor.workspaceId, patch.assigneeId))?.name : null;
      activity.push(name ? `${actorName} assigned this to ${name}` : `${actorName} removed the assignee`);
    }
    if (patch.teamId !== undefined && patch.teamId !== c.teamId) {
      if (patch.teamId !== null && !(await teamsRepo.get(tx, actor.workspaceId, patch.teamId))) {
        throw new AppError('validation_failed', 'Unknown team', { fieldErrors: { teamId: ['Unknown team'] } });
      }
      data.teamId = patch.teamId;
      changes.push('teamId');
      const team = patch.teamId ? await teamsRepo.get(tx, actor.workspaceId, patch.teamId) : null;
      activity.push(team ? `${actorName} assigned this to team ${team.name}` : `${actorName} removed the team`);
    }
    const current = c.labels.map((l) => l.label.name);
    const wanted =
      patch.labels ?? (patch.addLabels || patch.removeLabels ? [...current, ...(patch.addLabels ?? [])].filter((n) => !patch.removeLabels?.includes(n)) : undefined);
    if (wanted !== undefined) {
      const names = [...new Set(wanted)];
      const labels = await labelsRepo.byNames(tx, actor.workspaceId, names);
      const unknown = names.filter((n) => !labels.some((l) => l.name === n));
      if (unknown.length) throw new AppError('validation_failed', `Unknown labels: ${unknown.join(', ')}`, { fieldErrors: { labels: unknown.map((n) => `Unknown label ${n}`) } });
      const before = current.slice().sort().join('\n');
      if (before !== names.slice().sort().join('\n')) {
        await conversationsRepo.setLabels(tx, actor.workspaceId, id, labels.map((l) => l.id));
        changes.push('labels');
      }
    }
    if (changes.length === 0) return toConversationDto(c);

    const updated = await conversationsRepo.update(tx, actor.workspaceId, id, data);
    const dto = toConversationDto(updated);
    const audience = { inboxId: c.inboxId, conversationId: id };
    for (const text of activity) {
      const m = await messagesRepo.create(tx, {
        workspaceId: actor.workspaceId,
        conversationId: id,
        inboxId: c.inboxId,
        direction: 'out',
        kind: 'activity',
        authorType: actor.kind === 'user' ? 'agent' : 'system',
        authorUserId: actor.kind === 'user' ? actor.userId : null,
        text,
      });
      await recordEvent(tx, actor, 'message.created', audience, { message: toMessageDto(m), conversation: dto });
    }
    await recordEvent(tx, actor, 'conversation.updated', audience, { conversation: dto, changes });
    if (changes.includes('assigneeId') || changes.includes('teamId')) {
      await recordEvent(tx, actor, 'assignment.changed', audience, { conversation: dto, previousAssigneeId: c.assigneeId, previousTeamId: c.teamId });
    }
    return dto;
  }

  /** An assignee must be an active user of the workspace who may see the inbox. */
  async #assertAssignable(db: Db, workspaceId: string, inboxId: string, userId: string): Promise<void> {
    const user = await usersRepo.get(db, workspaceId, userId);
    const ok = user && !user.disabledAt && (user.role !== 'agent' || (await inboxesRepo.isMember(db, inboxId, userId)));
    if (!ok) throw new AppError('validation_failed', 'This user cannot be assigned here', { fieldErrors: { assigneeId: ['Not a member of this inbox'] } });
  }

  /** Wakes snoozed conversations whose time has come. Safe to run on every instance. */
  async wakeSnoozed(now = new Date()): Promise<number> {
    const due = await conversationsRepo.dueSnoozed(this.#store.prisma, now, 100);
    let woken = 0;
    for (const d of due) {
      await this.#store.transaction(async (tx) => {
        const c = await conversationsRepo.getForUpdate(tx, d.workspaceId, d.id);
        if (!c || c.status !== 'snoozed' || !c.snoozedUntil || c.snoozedUntil > now) return;
        const updated = await conversationsRepo.update(tx, d.workspaceId, d.id, { status: 'open', snoozedUntil: null });
        await recordEvent(tx, { kind: 'system', workspaceId: d.workspaceId }, 'conversation.updated', { inboxId: c.inboxId, conversationId: c.id }, { conversation: toConversationDto(updated), changes: ['status'] });
        woken++;
      });
    }
    return woken;
  }
}
