import type { LabelDto } from '../contracts/dto.ts';
import { notFound } from '../lib/errors.ts';
import { labelsRepo } from '../repositories/catalog.ts';
import type { Store } from '../repositories/store.ts';
import { requireLead } from './access.ts';
import type { Actor } from './actor.ts';
import { orConflict } from '../repositories/conflict.ts';
import { toLabelDto } from './mappers.ts';

export interface LabelInput {
  name: string;
  color?: string | undefined;
  description?: string | null | undefined;
}

const nameTaken = 'A label with this name already exists';

/** Conversation labels. Everyone sees them; leads and admins manage them. */
export class LabelService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async list(actor: Actor): Promise<LabelDto[]> {
    return (await labelsRepo.list(this.#store.prisma, actor.workspaceId)).map(toLabelDto);
  }

  async create(actor: Actor, input: LabelInput): Promise<LabelDto> {
    requireLead(actor);
    const row = await orConflict(
      labelsRepo.create(this.#store.prisma, {
        workspaceId: actor.workspaceId,
        name: input.name,
        ...(input.color !== undefined ? { color: input.color } : {}),
        description: input.description ?? null,
      }),
      'name',
      nameTaken,
    );
    return toLabelDto(row);
  }

  /** Renaming a label renames it on every conversation that carries it. */
  async update(actor: Actor, id: string, input: Partial<LabelInput>): Promise<LabelDto> {
    requireLead(actor);
    const db = this.#store.prisma;
    const [existing] = await labelsRepo.byIds(db, actor.workspaceId, [id]);
    if (!existing) throw notFound('Label');
    const data: { name?: string; color?: string; description?: string | null } = {};
    if (input.name !== undefined) data.name = input.name;
    if (input.color !== undefined) data.color = input.color;
    if (input.description !== undefined) data.description = input.description;
    return toLabelDto(await orConflict(labelsRepo.update(db, actor.workspaceId, id, data), 'name', nameTaken));
  }

  /** Deletes the label and removes it from every conversation. */
  async remove(actor: Actor, id: string): Promise<void> {
    requireLead(actor);
    const { count } = await labelsRepo.delete(this.#store.prisma, actor.workspaceId, id);
    if (count === 0) throw notFound('Label');
  }
}
