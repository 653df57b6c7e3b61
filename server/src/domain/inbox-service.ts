import { getAdapter, type ChannelAdapter, type InboxKind } from '@switchboard/channels';
import { z } from 'zod';
import type { InboxDto } from '../contracts/dto.ts';
import type { SecretBox } from '../lib/crypto.ts';
import { randomToken } from '../lib/crypto.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Store } from '../repositories/store.ts';
import { usersRepo } from '../repositories/users.ts';
import { requireAdmin, visibleInboxIds, canSeeInbox } from './access.ts';
import type { Actor } from './actor.ts';
import { toInboxDto } from './mappers.ts';
import type { Prisma } from '@switchboard/db';
import type { AccessEvents } from './access-events.ts';
import type { ConnectionCheck } from '@switchboard/channels';

export interface InboxInput {
  kind: InboxKind;
  name: string;
  credentials?: Record<string, unknown> | undefined;
  settings?: Record<string, unknown> | undefined;
  memberIds?: string[] | undefined;
}

export class InboxService {
  readonly #store: Store;
  readonly #secrets: SecretBox;
  readonly #publicUrl: string;
  readonly #adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  readonly #access: AccessEvents;
  readonly #fetch: typeof fetch;
  readonly #listeners = new Set<() => void>();

  constructor(
    store: Store,
    secrets: SecretBox,
    publicUrl: string,
    access: AccessEvents,
    adapterFor: (kind: InboxKind) => ChannelAdapter | undefined = getAdapter,
    fetchImpl: typeof fetch = globalThis.fetch,
  ) {
    this.#store = store;
    this.#secrets = secrets;
    this.#publicUrl = publicUrl;
    this.#adapterFor = adapterFor;
    this.#access = access;
    this.#fetch = fetchImpl;
  }

  /** Called after an inbox was created, reconfigured or deleted (the email sync follows). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }

  /** Runs the kind's connection test (admin) without saving anything; a kind without one answers ok. */
  async testConnection(actor: Actor, kind: InboxKind, credentials: unknown, settings?: unknown): Promise<ConnectionCheck> {
    requireAdmin(actor);
    const valid = this.#validate(kind, credentials, settings ?? {});
    return this.#check(kind, valid.credentials, valid.settings);
  }

  /** Tests a saved inbox's stored credentials (admin): "is this channel still connected?". */
  async testSaved(actor: Actor, id: string): Promise<ConnectionCheck> {
    requireAdmin(actor);
    const row = await inboxesRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row) throw notFound('Inbox');
    const stored = row.credentials ? this.#secrets.open<Record<string, unknown>>(row.credentials) : {};
    const valid = this.#validate(row.kind, stored, row.settings ?? {});
    return this.#check(row.kind, valid.credentials, valid.settings, { id: row.id, publicToken: row.publicToken });
  }

  #check(kind: InboxKind, credentials: unknown, settings: unknown, inbox = { id: '', publicToken: '' }): Promise<ConnectionCheck> {
    const adapter = this.#adapterFor(kind);
    if (!adapter?.testConnection) return Promise.resolve({ ok: true });
    return adapter.testConnection({ inbox: { ...inbox, kind }, credentials, settings, fetch: this.#fetch, now: () => new Date(), publicUrl: this.#publicUrl });
  }

  /** Refuses credentials the provider rejects: 400 connection_failed with { problem, protocol }. */
  async #requireWorking(kind: InboxKind, credentials: unknown, settings: unknown): Promise<void> {
    const result = await this.#check(kind, credentials, settings);
    if (!result.ok) {
      const part = result.protocol ? ` (${result.protocol})` : '';
      throw new AppError('connection_failed', `Connection test failed${part}: ${result.message}`, { problem: result.problem, protocol: result.protocol });
    }
  }

  #changed(workspaceId: string): Promise<void> {
    return this.#access.changed(workspaceId);
  }

  #validate(kind: InboxKind, credentials: unknown, settings: unknown) {
    const adapter = this.#adapterFor(kind);
    if (!adapter) throw new AppError('validation_failed', `The ${kind} channel is not available yet`, { fieldErrors: { kind: ['Not available'] } });
    const prefix = (p: string) => (r: z.ZodSafeParseResult<unknown>) => {
      if (!r.success) {
        const fieldErrors: Record<string, string[]> = {};
        for (const i of r.error.issues) (fieldErrors[[p, ...i.path].join('.')] ??= []).push(i.message);
        throw new AppError('validation_failed', `Invalid ${p}`, { fieldErrors });
      }
      return r.data;
    };
    return {
      credentials: prefix('credentials')(adapter.credentialsSchema.safeParse(credentials ?? {})),
      settings: prefix('settings')(adapter.settingsSchema.safeParse(settings ?? {})),
    };
  }

  async list(actor: Actor): Promise<InboxDto[]> {
    const ids = await visibleInboxIds(this.#store.prisma, actor);
    const rows = await inboxesRepo.list(this.#store.prisma, actor.workspaceId, ids ?? undefined);
    return rows.map((r) => toInboxDto(r, this.#publicUrl));
  }

  async get(actor: Actor, id: string): Promise<InboxDto> {
    const row = await inboxesRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row || !(await canSeeInbox(this.#store.prisma, actor, id))) throw notFound('Inbox');
    return toInboxDto(row, this.#publicUrl);
  }

  async create(actor: Actor, input: InboxInput): Promise<InboxDto> {
    requireAdmin(actor);
    const { credentials, settings } = this.#validate(input.kind, input.credentials, input.settings);
    await this.#requireWorking(input.kind, credentials, settings);
    const dto = await this.#store.transaction(async (tx) => {
      const row = await inboxesRepo.create(tx, {
        workspaceId: actor.workspaceId,
        kind: input.kind,
        name: input.name,
        publicToken: randomToken(18),
        credentials: this.#secrets.seal(credentials),
        settings: settings as Prisma.InputJsonValue,
      });
      if (input.memberIds?.length) await this.#setMembers(tx, actor.workspaceId, row.id, input.memberIds);
      const full = await inboxesRepo.get(tx, actor.workspaceId, row.id);
      return toInboxDto(full ?? row, this.#publicUrl);
    });
    await this.#changed(actor.workspaceId);
    this.#emit();
    return dto;
  }

  async update(actor: Actor, id: string, input: Partial<Omit<InboxInput, 'kind'>>): Promise<InboxDto> {
    requireAdmin(actor);
    const row = await inboxesRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row) throw notFound('Inbox');
    const current = row.credentials ? this.#secrets.open<Record<string, unknown>>(row.credentials) : {};
    const { credentials, settings } = this.#validate(row.kind, { ...current, ...(input.credentials ?? {}) }, { ...(row.settings as object), ...(input.settings ?? {}) });
    if (input.credentials !== undefined || input.settings !== undefined) await this.#requireWorking(row.kind, credentials, settings);
    const updated = await inboxesRepo.update(this.#store.prisma, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      credentials: this.#secrets.seal(credentials),
      settings: settings as Prisma.InputJsonValue,
    });
    this.#emit();
    return toInboxDto(updated, this.#publicUrl);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor);
    const { count } = await inboxesRepo.delete(this.#store.prisma, actor.workspaceId, id);
    if (count === 0) throw notFound('Inbox');
    await this.#changed(actor.workspaceId);
    this.#emit();
  }

  async setMembers(actor: Actor, id: string, userIds: string[]): Promise<InboxDto> {
    requireAdmin(actor);
    const dto = await this.#store.transaction(async (tx) => {
      if (!(await inboxesRepo.get(tx, actor.workspaceId, id))) throw notFound('Inbox');
      await this.#setMembers(tx, actor.workspaceId, id, userIds);
      const row = await inboxesRepo.get(tx, actor.workspaceId, id);
      if (!row) throw notFound('Inbox');
      return toInboxDto(row, this.#publicUrl);
    });
    await this.#changed(actor.workspaceId);
    return dto;
  }

  async #setMembers(tx: Parameters<typeof inboxesRepo.setMembers>[0], workspaceId: string, inboxId: string, userIds: string[]) {
    const unique = [...new Set(userIds)];
    const users = await usersRepo.listByIds(tx, workspaceId, unique);
    if (users.length !== unique.length) throw new AppError('validation_failed', 'Unknown users', { fieldErrors: { memberIds: ['Unknown user'] } });
    await inboxesRepo.setMembers(tx, workspaceId, inboxId, unique);
  }
}
