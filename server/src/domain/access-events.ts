/**
 * Signals that who-may-see-what changed in a workspace (inbox created or deleted, inbox members,
 * a user's role or account). The realtime gateway listens and re-computes its sockets' rooms
 * (and disconnects sockets of disabled users or deleted sessions). `changed` resolves once the
 * listeners are done, so a request that changed access can answer after sockets caught up.
 */
export class AccessEvents {
  readonly #listeners = new Set<(workspaceId: string) => unknown>();

  on(listener: (workspaceId: string) => unknown): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async changed(workspaceId: string): Promise<void> {
    await Promise.allSettled([...this.#listeners].map(async (l) => l(workspaceId)));
  }
}
