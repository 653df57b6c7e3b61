import type { Role } from '../contracts/dto.ts';

/** Who is acting. Every service method takes one; access is enforced in services, not only routes. */
export interface UserActor {
  kind: 'user';
  userId: string;
  workspaceId: string;
  role: Role;
  name: string;
  via: 'session' | 'token';
}

export interface SystemActor {
  kind: 'system';
  workspaceId: string;
}

export type Actor = UserActor | SystemActor;

export const systemActor = (workspaceId: string): SystemActor => ({ kind: 'system', workspaceId });
