import type { TeamDto } from '../contracts/dto.ts';
import { AppError, notFound } from '../lib/errors.ts';
import type { Db, Store } from '../repositories/store.ts';
import { teamsRepo } from '../repositories/teams.ts';
import { usersRepo } from '../repositories/users.ts';
import { requireLead } from './access.ts';
import type { Actor } from './actor.ts';
import { orConflict } from '../repositories/conflict.ts';
import { toTeamDto } from './mappers.ts';

export interface TeamInput {
  name: string;
  description?: string | null | undefined;
  memberIds?: string[] | undefined;
}

const nameTaken = 'A team with this name already exists';

/** Teams group agents for routing. Everyone sees them; leads and admins manage them. */
export class TeamService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async list(actor: Actor): Promise<TeamDto[]> {
    return (await teamsRepo.list(this.#store.prisma, actor.workspaceId)).map(toTeamDto);
  }

  async get(actor: Actor, id: string): Promise<TeamDto> {
    const row = await teamsRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row) throw notFound('Team');
    return toTeamDto(row);
  }

  async create(actor: Actor, input: TeamInput): Promise<TeamDto> {
    requireLead(actor);
    return orConflict(
      this.#store.transaction(
        async (tx) => {
          const row = await teamsRepo.create(tx, { workspaceId: actor.workspaceId, name: input.name, description: input.description ?? null });
          if (input.memberIds?.length) await this.#setMembers(tx, actor.workspaceId, row.id, input.memberIds, 'memberIds');
          return toTeamDto((await teamsRepo.get(tx, actor.workspaceId, row.id)) ?? row);
        },
        { retries: 0 },
      ),
      'name',
      nameTaken,
    );
  }

  async update(actor: Actor, id: string, input: Partial<Omit<TeamInput, 'memberIds'>>): Promise<TeamDto> {
    requireLead(actor);
    const db = this.#store.prisma;
    if (!(await teamsRepo.get(db, actor.workspaceId, id))) throw notFound('Team');
    const data: { name?: string; description?: string | null } = {};
    if (input.name !== undefined) data.name = input.name;
    if (input.description !== undefined) data.description = input.description;
    return toTeamDto(await orConflict(teamsRepo.update(db, actor.workspaceId, id, data), 'name', nameTaken));
  }

  /** Deletes the team; its conversations keep their assignee and lose the team. */
  async remove(actor: Actor, id: string): Promise<void> {
    requireLead(actor);
    const { count } = await teamsRepo.delete(this.#store.prisma, actor.workspaceId, id);
    if (count === 0) throw notFound('Team');
  }

  async setMembers(actor: Actor, id: string, userIds: string[]): Promise<TeamDto> {
    requireLead(actor);
    return this.#store.transaction(async (tx) => {
      if (!(await teamsRepo.get(tx, actor.workspaceId, id))) throw notFound('Team');
      await this.#setMembers(tx, actor.workspaceId, id, userIds, 'userIds');
      const row = await teamsRepo.get(tx, actor.workspaceId, id);
      if (!row) throw notFound('Team');
      return toTeamDto(row);
    });
  }

  async #setMembers(tx: Db, workspaceId: string, teamId: string, userIds: string[], field: string) {
    const unique = [...new Set(userIds)];
    const users = await usersRepo.listByIds(tx, workspaceId, unique);
    if (users.length !== unique.length) throw new AppError('validation_failed', 'Unknown users', { fieldErrors: { [field]: ['Unknown user'] } });
    await teamsRepo.setMembers(tx, workspaceId, teamId, unique);
  }
}
