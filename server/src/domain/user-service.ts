import type { Availability, ColleagueDto, Role, UserDetailDto } from '../contracts/dto.ts';
import { hashPassword, verifyPassword } from '../lib/crypto.ts';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { lockForTransaction } from '../repositories/locks.ts';
import { sessionsRepo } from '../repositories/sessions.ts';
import type { Store } from '../repositories/store.ts';
import { usersRepo } from '../repositories/users.ts';
import { requireAdmin } from './access.ts';
import type { AccessEvents } from './access-events.ts';
import type { Actor } from './actor.ts';
import { orConflict } from '../repositories/conflict.ts';
import { toColleagueDto, toUserDetailDto } from './mappers.ts';

export interface UserCreateInput {
  name: string;
  email: string;
  role: Role;
  password: string;
}

export interface UserPatch {
  name?: string | undefined;
  role?: Role | undefined;
  disabled?: boolean | undefined;
  availability?: Availability | undefined;
  locale?: string | null | undefined;
  password?: string | undefined;
  currentPassword?: string | undefined;
}

const invalid = (field: string, message: string) => new AppError('validation_failed', message, { fieldErrors: { [field]: [message] } });
const emailTaken = 'A user with this email already exists';

/**
 * The people of a workspace. Everyone may list colleagues; admins create users and change
 * names, roles and accounts (never leaving the workspace without an enabled admin); each user
 * changes their own name, availability, locale and password.
 */
export class UserService {
  readonly #store: Store;
  readonly #access: AccessEvents;
  constructor(store: Store, access: AccessEvents) {
    this.#store = store;
    this.#access = access;
  }

  async list(actor: Actor): Promise<ColleagueDto[]> {
    return (await usersRepo.list(this.#store.prisma, actor.workspaceId)).map(toColleagueDto);
  }

  async get(actor: Actor, id: string): Promise<UserDetailDto> {
    const row = await usersRepo.get(this.#store.prisma, actor.workspaceId, id);
    if (!row) throw notFound('User');
    return toUserDetailDto(row);
  }

  async create(actor: Actor, input: UserCreateInput): Promise<UserDetailDto> {
    requireAdmin(actor);
    const email = input.email.trim().toLowerCase();
    const db = this.#store.prisma;
    if (await usersRepo.byEmail(db, email)) throw new AppError('conflict', emailTaken, { fieldErrors: { email: [emailTaken] } });
    const passwordHash = await hashPassword(input.password);
    const row = await orConflict(
      usersRepo.create(db, { workspaceId: actor.workspaceId, email, name: input.name, role: input.role, passwordHash }),
      'email',
      emailTaken,
    );
    return toUserDetailDto(row);
  }

  /**
   * `sessionId`: the caller's session, kept when they change their own password (every other
   * session of theirs ends).
   */
  async update(actor: Actor, id: string, patch: UserPatch, opts: { sessionId?: string | null } = {}): Promise<UserDetailDto> {
    const db = this.#store.prisma;
    const current = await usersRepo.get(db, actor.workspaceId, id);
    if (!current) throw notFound('User');
    const isAdmin = actor.kind === 'system' || actor.role === 'admin';
    const isSelf = actor.kind === 'user' && actor.userId === id;
    if ((patch.role !== undefined || patch.disabled !== undefined) && !isAdmin) throw forbidden('Only admins change roles and accounts');
    if (patch.name !== undefined && !isAdmin && !isSelf) throw forbidden('You may only rename yourself');
    if ((patch.availability !== undefined || patch.locale !== undefined || patch.password !== undefined) && !isSelf) {
      throw forbidden('Availability, locale and password are changed by the user themself');
    }

    let passwordHash: string | undefined;
    if (patch.password !== undefined) {
      if (!patch.currentPassword) throw invalid('currentPassword', 'Enter your current password');
      const ok = current.passwordHash ? await verifyPassword(patch.currentPassword, current.passwordHash) : false;
      if (!ok) throw invalid('currentPassword', 'Wrong password');
      passwordHash = await hashPassword(patch.password);
    }

    const { row, accessChanged } = await this.#store.transaction(async (tx) => {
      const touchesAdmins = patch.role !== undefined || patch.disabled !== undefined;
      // Serializes admin demotions per workspace so two admins cannot demote each other at once.
      if (touchesAdmins) await lockForTransaction(tx, `switchboard:admins:${actor.workspaceId}`);
      const before = await usersRepo.get(tx, actor.workspaceId, id);
      if (!before) throw notFound('User');
      const wasActiveAdmin = before.role === 'admin' && before.disabledAt === null;
      const staysActiveAdmin = (patch.role ?? before.role) === 'admin' && (patch.disabled ?? before.disabledAt !== null) === false;
      if (wasActiveAdmin && !staysActiveAdmin && (await usersRepo.countActiveAdmins(tx, actor.workspaceId, id)) === 0) {
        throw new AppError('conflict', 'The workspace needs at least one enabled admin');
      }
      const data: Parameters<typeof usersRepo.update>[3] = {};
      if (patch.name !== undefined) data.name = patch.name;
      if (patch.role !== undefined) data.role = patch.role;
      if (patch.availability !== undefined) data.availability = patch.availability;
      if (patch.locale !== undefined) data.locale = patch.locale;
      if (passwordHash) data.passwordHash = passwordHash;
      const disabling = patch.disabled === true && before.disabledAt === null;
      if (disabling) data.disabledAt = new Date();
      if (patch.disabled === false && before.disabledAt !== null) data.disabledAt = null;

      const row = Object.keys(data).length ? await usersRepo.update(tx, actor.workspaceId, id, data) : before;
      if (disabling) await sessionsRepo.deleteForUser(tx, id);
      else if (passwordHash) {
        if (opts.sessionId) await sessionsRepo.deleteForUserExcept(tx, id, opts.sessionId);
        else await sessionsRepo.deleteForUser(tx, id);
      }
      return { row, accessChanged: row.role !== before.role || 'disabledAt' in data };
    });
    if (accessChanged) await this.#access.changed(actor.workspaceId);
    return toUserDetailDto(row);
  }
}
