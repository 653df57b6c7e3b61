import { normalizeEmail, normalizePhone } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import type { ContactDto, ConversationDto, IdentityKind, Page } from '../contracts/dto.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { contactsRepo, type ContactRow } from '../repositories/contacts.ts';
import { conversationListRepo } from '../repositories/conversation-list.ts';
import type { Db, Store } from '../repositories/store.ts';
import { visibleInboxIds } from './access.ts';
import type { Actor } from './actor.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { toContactDto, toConversationDto } from './mappers.ts';

export interface ContactQuery {
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface ContactPatch {
  name?: string | null | undefined;
  company?: string | null | undefined;
  /** Replaces all custom attributes. */
  attributes?: Record<string, unknown> | undefined;
}

const invalidAddress = (message: string) => new AppError('validation_failed', message, { fieldErrors: { address: [message] } });

/** The stored form of an address: email lower-cased, phone E.164, other ids trimmed. */
export function normalizeAddress(kind: IdentityKind, address: string): string {
  if (kind === 'email') {
    const email = normalizeEmail(address);
    if (!email) throw invalidAddress('Not a valid email address');
    return email;
  }
  if (kind === 'phone') {
    const phone = normalizePhone(address);
    if (!phone) throw invalidAddress('Not a valid phone number; use international format, e.g. +14155552671');
    return phone;
  }
  const id = address.trim();
  if (!id) throw invalidAddress('Required');
  return id;
}

/**
 * Contacts and their identities. Admins and leads see every contact of the workspace; an agent
 * sees a contact only while it has a conversation in an inbox the agent is a member of.
 * Anything else is not found.
 */
export class ContactService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async #visible(db: Db, actor: Actor, id: string): Promise<ContactRow> {
    const row = await contactsRepo.get(db, actor.workspaceId, id);
    if (!row) throw notFound('Contact');
    const inboxIds = await visibleInboxIds(db, actor);
    if (inboxIds && !(await contactsRepo.hasConversationIn(db, actor.workspaceId, id, inboxIds))) throw notFound('Contact');
    return row;
  }

  /** Most recently updated first; `q` searches name, company and identity addresses. */
  async list(actor: Actor, query: ContactQuery): Promise<Page<ContactDto>> {
    const db = this.#store.prisma;
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const q = query.q?.trim() || undefined;
    const addresses = q ? [normalizeEmail(q), /^[+\d][\d\s().-]*$/.test(q) ? q.replace(/[^\d+]/g, '') : null].filter((a): a is string => !!a) : [];
    const rows = await contactsRepo.list(db, actor.workspaceId, {
      limit: query.limit + 1,
      inboxIds: await visibleInboxIds(db, actor),
      ...(after ? { after: { updatedAt: after.at, id: after.id } } : {}),
      ...(q ? { q, addresses } : {}),
    });
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return { items: items.map(toContactDto), nextCursor: rows.length > query.limit && last ? encodeCursor(last.updatedAt, last.id) : null };
  }

  async get(actor: Actor, id: string): Promise<ContactDto> {
    return toContactDto(await this.#visible(this.#store.prisma, actor, id));
  }

  async update(actor: Actor, id: string, patch: ContactPatch): Promise<ContactDto> {
    const db = this.#store.prisma;
    await this.#visible(db, actor, id);
    const data: { name?: string | null; company?: string | null; attributes?: Prisma.InputJsonValue } = {};
    if (patch.name !== undefined) data.name = patch.name;
    if (patch.company !== undefined) data.company = patch.company;
    if (patch.attributes !== undefined) data.attributes = patch.attributes as Prisma.InputJsonValue;
    return toContactDto(await contactsRepo.update(db, actor.workspaceId, id, data));
  }

  /**
   * Attaches an address to the contact (unverified: typed in by an agent). Adding one the contact
   * already has is a no-op (`created: false`); one held by another contact is a conflict.
   */
  async addIdentity(actor: Actor, id: string, input: { kind: IdentityKind; address: string }): Promise<{ contact: ContactDto; created: boolean }> {
    const db = this.#store.prisma;
    await this.#visible(db, actor, id);
    const address = normalizeAddress(input.kind, input.address);
    const check = async () => {
      const holder = await contactsRepo.identity(db, actor.workspaceId, input.kind, address);
      if (holder && holder.contactId !== id) {
        throw new AppError('conflict', 'This address belongs to another contact', { fieldErrors: { address: ['Belongs to another contact'] } });
      }
      return holder !== null;
    };
    let created = false;
    if (!(await check())) {
      const { count } = await contactsRepo.addIdentities(db, actor.workspaceId, id, [{ kind: input.kind, address, verified: false }]);
      created = count > 0;
      if (!created) await check(); // a concurrent writer took it first
    }
    return { contact: await this.get(actor, id), created };
  }

  async removeIdentity(actor: Actor, id: string, identityId: string): Promise<void> {
    const db = this.#store.prisma;
    await this.#visible(db, actor, id);
    const { count } = await contactsRepo.deleteIdentity(db, actor.workspaceId, id, identityId);
    if (count === 0) throw notFound('Identity');
  }

  /** The contact's conversations on every channel, limited to inboxes the actor may see. */
  async conversations(actor: Actor, id: string, query: { limit: number; cursor?: string | undefined }): Promise<Page<ConversationDto>> {
    const db = this.#store.prisma;
    await this.#visible(db, actor, id);
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const filter = { inboxIds: await visibleInboxIds(db, actor), contactId: id };
    const rows = await conversationListRepo.byActivity(db, actor.workspaceId, filter, query.limit + 1, after);
    const items = rows.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: items.map(toConversationDto),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.lastActivityAt, last.id) : null,
    };
  }
}
