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
import type { Logger } from '../lib/logger.ts';
import { uuidv7 } from '../repositories/ids.ts';
import { adapterContext, validatedContext } from './adapter-context.ts';

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
  readonly #log: Logger | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(
    store: Store,
    secrets: SecretBox,
    publicUrl: string,
    access: AccessEvents,
    adapterFor: (kind: InboxKind) => ChannelAdapter | undefined = getAdapter,
    fetchImpl: typeof fetch = globalThis.fetch,
    log?: Logger,
  ) {
    this.#store = store;
    this.#secrets = secrets;
    this.#publicUrl = publicUrl;
    this.#adapterFor = adapterFor;
    this.#access = access;
    this.#fetch = fetchImpl;
    this.#log = log;
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
    const publicUrl = inbox.publicToken ? this.#publicUrl : undefined; // an unsaved inbox has no webhook URL yet
    return adapter.testConnection(validatedContext({ ...inbox, kind }, credentials, settings, this.#fetch, publicUrl));
  }

  /**
   * Refuses credentials the provider rejects, then lets the adapter register the inbox with the provider (a webhook):
   * 400 connection_failed with { problem, protocol } when either fails.
   */
  async #requireWorking(kind: InboxKind, credentials: unknown, settings: unknown, inbox: { id: string; publicToken: string }): Promise<void> {
    const fail = (what: string, result: ConnectionCheck) => {
      if (result.ok) return;
      const part = result.protocol ? ` (${result.protocol})` : '';
      throw new AppError('connection_failed', `${what}${part}: ${result.message}`, { problem: result.problem, protocol: result.protocol });
    };
    fail('Connection test failed', await this.#check(kind, credentials, settings));
    const adapter = this.#adapterFor(kind);
    if (adapter?.connect) fail('Connecting the channel failed', await adapter.connect(validatedContext({ ...inbox, kind }, credentials, settings, this.#fetch, this.#publicUrl)));
  }

  /** Best effort after an inbox is gone: the provider stops calling (a failure is logged, the deletion stands). */
  async #disconnect(row: { id: string; publicToken: string; kind: InboxKind; credentials: string | null; settings: unknown }): Promise<void> {
    const adapter = this.#adapterFor(row.kind);
    if (!adapter?.disconnect) return;
    try {
      const result = await adapter.disconnect(adapterContext(adapter, row, (sealed) => this.#secrets.open(sealed), this.#fetch, this.#publicUrl));
      if (!result.ok) this.#log?.warn({ inboxId: row.id, problem: result.problem, reason: result.message }, 'could not disconnect the deleted inbox from its provider');
    } catch (err) {
      this.#log?.warn({ err, inboxId: row.id }, 'could not disconnect the deleted inbox from its provider');
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
    const inbox = { id: uuidv7(), publicToken: randomToken(18) };
    await this.#requireWorking(input.kind, credentials, settings, inbox);
    const sealed = this.#secrets.seal(credentials);
    const dto = await this.#store
      .transaction(async (tx) => {
        const row = await inboxesRepo.create(tx, {
          ...inbox,
          workspaceId: actor.workspaceId,
          kind: input.kind,
          name: input.name,
          credentials: sealed,
          settings: settings as Prisma.InputJsonValue,
        });
        if (input.memberIds?.length) await this.#setMembers(tx, actor.workspaceId, row.id, input.memberIds);
        const full = await inboxesRepo.get(tx, actor.workspaceId, row.id);
        return toInboxDto(full ?? row, this.#publicUrl);
      })
      .catch(async (err: unknown) => {
        await this.#disconnect({ ...inbox, kind: input.kind, credentials: sealed, settings }); // not saved: undo connect
        throw err;
      });
    await this.#changed(actor.workspaceId);
    this.#emit();
    return dto;
  }

  async update(actor: Actor, id: string, input: Partial<Omit<InboxInput, 'kind'>> & { disabled?: boolean | undefined }): Promise<InboxDto> {
    requireAdmin(actor);
    const row = await inboxesRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row) throw notFound('Inbox');
    const current = row.credentials ? this.#secrets.open<Record<string, unknown>>(row.credentials) : {};
    const { credentials, settings } = this.#validate(row.kind, { ...current, ...(input.credentials ?? {}) }, { ...(row.settings as object), ...(input.settings ?? {}) });
    if (input.credentials !== undefined || input.settings !== undefined) await this.#requireWorking(row.kind, credentials, settings, row);
    const updated = await inboxesRepo.update(this.#store.prisma, actor.workspaceId, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      // Pausing keeps the first pause's time; resuming clears it.
      ...(input.disabled !== undefined ? { disabledAt: input.disabled ? (row.disabledAt ?? new Date()) : null } : {}),
      credentials: this.#secrets.seal(credentials),
      settings: settings as Prisma.InputJsonValue,
    });
    this.#emit();
    return toInboxDto(updated, this.#publicUrl);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requireAdmin(actor);
    const row = await inboxesRepo.get(this.#store.prisma, actor.workspaceId, id);
    const { count } = row ? await inboxesRepo.delete(this.#store.prisma, actor.workspaceId, id) : { count: 0 };
    if (!row || count === 0) throw notFound('Inbox');
    await this.#changed(actor.workspaceId);
    this.#emit();
    await this.#disconnect(row);
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
