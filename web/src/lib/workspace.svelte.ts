// Workspace reference data the console shows everywhere: colleagues, teams, inboxes, labels and
// saved replies. Loaded once after sign-in; small enough to keep whole.
import type { CannedResponseDto, ColleagueDto, InboxDto, InboxKind, LabelDto, TeamDto } from '@switchboard/server/contracts';
import { api } from './api.ts';

export const workspace = $state<{
  loaded: boolean;
  users: ColleagueDto[];
  teams: TeamDto[];
  inboxes: InboxDto[];
  labels: LabelDto[];
  canned: CannedResponseDto[];
}>({ loaded: false, users: [], teams: [], inboxes: [], labels: [], canned: [] });

export async function loadWorkspace(): Promise<void> {
  const [users, teams, inboxes, labels, canned] = await Promise.all([api.users(), api.teams(), api.inboxes(), api.labels(), api.canned()]);
  Object.assign(workspace, { users, teams, inboxes, labels, canned, loaded: true });
}

export function inboxKind(inboxId: string): InboxKind | null {
  return workspace.inboxes.find((i) => i.id === inboxId)?.kind ?? null;
}

/** The inbox is paused by an admin (replies are refused). */
export function inboxPaused(inboxId: string): boolean {
  return workspace.inboxes.find((i) => i.id === inboxId)?.disabled ?? false;
}

export function userName(id: string | null): string | null {
  return id ? (workspace.users.find((u) => u.id === id)?.name ?? null) : null;
}
