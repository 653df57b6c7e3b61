import type { WidgetAgentsStatus } from '../contracts/widget.ts';
import type { Logger } from '../lib/logger.ts';
import type { Gateway } from '../realtime/gateway.ts';
import { rooms } from '../realtime/rooms.ts';
import type { Store } from '../repositories/store.ts';
import { webchatRepo } from '../repositories/webchat.ts';
import type { WebchatInbox } from './inboxes.ts';

const CACHE_MS = 2_000;

/**
 * Whether somebody can answer a webchat inbox now: a user who may answer in it (a member, an admin or a lead)
 * whose availability is `online` and who has the console open (a socket in the agents' namespace, on any
 * instance). Re-checked for the inboxes this instance has visitors of, every `intervalMs` and shortly after
 * agents connect or disconnect; `publish` gets the inboxes whose status changed.
 */
export class AgentPresence {
  readonly #store: Store;
  readonly #agents: Gateway;
  readonly #log: Logger;
  readonly #cache = new Map<string, { at: number; status: Promise<WidgetAgentsStatus> }>();
  readonly #last = new Map<string, boolean>();
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #checking: Promise<void> = Promise.resolve();

  constructor(store: Store, agents: Gateway, log: Logger) {
    this.#store = store;
    this.#agents = agents;
    this.#log = log;
  }

  /** The inbox's status (cached a moment: every visitor connect asks). */
  status(inbox: Pick<WebchatInbox, 'id' | 'workspaceId'>, fresh = false): Promise<WidgetAgentsStatus> {
    const hit = this.#cache.get(inbox.id);
    if (!fresh && hit && Date.now() - hit.at < CACHE_MS) return hit.status;
    const status = this.#compute(inbox);
    this.#cache.set(inbox.id, { at: Date.now(), status });
    status.catch(() => this.#cache.delete(inbox.id));
    return status;
  }

  async #compute(inbox: Pick<WebchatInbox, 'id' | 'workspaceId'>): Promise<WidgetAgentsStatus> {
    const ids = await webchatRepo.availableAgentIds(this.#store.prisma, inbox.workspaceId, inbox.id);
    if (ids.length === 0) return { online: false };
    const sockets = await this.#agents.io.in(ids.map(rooms.user)).fetchSockets();
    return { online: sockets.length > 0 };
  }

  /**
   * Starts the periodic check of `inboxes()` (the ones with local visitors); `publish` receives each inbox whose
   * status changed since the last check (or was never checked: publishing again is harmless).
   */
  start(inboxes: () => Array<Pick<WebchatInbox, 'id' | 'workspaceId'>>, publish: (inboxId: string, s: WidgetAgentsStatus) => void, intervalMs: number): void {
    const check = () => {
      this.#checking = this.#checking.then(async () => {
        for (const inbox of inboxes()) {
          try {
            const s = await this.status(inbox, true);
            if (this.#last.get(inbox.id) !== s.online) {
              this.#last.set(inbox.id, s.online);
              publish(inbox.id, s);
            }
          } catch (err) {
            this.#log.warn({ err, inboxId: inbox.id }, 'agent presence check failed');
          }
        }
      });
    };
    this.kick = () => {
      clearTimeout(this.#debounce);
      this.#debounce = setTimeout(check, 100);
      this.#debounce.unref();
    };
    this.#timer = setInterval(check, intervalMs);
    this.#timer.unref();
  }

  /** Re-check soon (an agent connected or disconnected). */
  kick: () => void = () => {};

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    await this.#checking;
  }
}
