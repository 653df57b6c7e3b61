/**
 * Signals that who-may-see-what changed in a workspace (inbox created or deleted, inbox members,
 * a user's role or account). The realtime gateway listens and re-computes its sockets' rooms.
 */
export class AccessEvents {
  readonly #listeners = new Set<(workspaceId: string) => void>();

  on(listener: (workspaceId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(workspaceId: string): void {
    for (const l of this.#listeners) l(workspaceId);
  }
}
