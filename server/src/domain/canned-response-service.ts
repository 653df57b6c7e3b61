import type { CannedResponseDto } from '../contracts/dto.ts';
import { notFound } from '../lib/errors.ts';
import { cannedRepo } from '../repositories/catalog.ts';
import type { Store } from '../repositories/store.ts';
import { requireLead } from './access.ts';
import type { Actor } from './actor.ts';
import { orConflict } from '../repositories/conflict.ts';
import { toCannedDto } from './mappers.ts';

export interface CannedResponseInput {
  shortCode: string;
  content: string;
}

const codeTaken = 'A canned response with this short code already exists';

/** Saved replies agents insert with /shortCode. Everyone uses them; leads and admins manage them. */
export class CannedResponseService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** `q` (a leading / is ignored) matches the start of the short code or anywhere in the content, case-insensitively. */
  async list(actor: Actor, q?: string): Promise<CannedResponseDto[]> {
    return (await cannedRepo.list(this.#store.prisma, actor.workspaceId, q?.trim().replace(/^\//, '') || undefined)).map(toCannedDto);
  }

  async create(actor: Actor, input: CannedResponseInput): Promise<CannedResponseDto> {
    requireLead(actor);
    const row = await orConflict(
      cannedRepo.create(this.#store.prisma, { workspaceId: actor.workspaceId, shortCode: input.shortCode, content: input.content }),
      'shortCode',
      codeTaken,
    );
    return toCannedDto(row);
  }

  async update(actor: Actor, id: string, input: Partial<CannedResponseInput>): Promise<CannedResponseDto> {
    requireLead(actor);
    const db = this.#store.prisma;
    if (!(await cannedRepo.get(db, actor.workspaceId, id))) throw notFound('Canned response');
    const data: { shortCode?: string; content?: string } = {};
    if (input.shortCode !== undefined) data.shortCode = input.shortCode;
    if (input.content !== undefined) data.content = input.content;
    return toCannedDto(await orConflict(cannedRepo.update(db, actor.workspaceId, id, data), 'shortCode', codeTaken));
  }

  async remove(actor: Actor, id: string): Promise<void> {
    requireLead(actor);
    const { count } = await cannedRepo.delete(this.#store.prisma, actor.workspaceId, id);
    if (count === 0) throw notFound('Canned response');
  }
}
