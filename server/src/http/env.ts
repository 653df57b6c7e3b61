import type { Actor } from '../domain/actor.ts';
import type { Services } from '../services.ts';

/** Hono context variables set by middleware. */
export interface AppEnv {
  Variables: {
    services: Services;
    actor: Actor;
    sessionId: string | null;
    csrfToken: string | null;
  };
}
