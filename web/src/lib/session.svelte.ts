// App-wide session state (Svelte 5 runes). The CSRF token lives in api.ts memory only.
import type { ComposeLimitsDto, UserDto } from '@switchboard/server/contracts';
import { api, ApiError, setCsrfToken, type SessionInfo } from './api.ts';
import { applyUserLocale } from './locale.svelte.ts';

export const session = $state<{
  /** False until the first GET /api/setup + GET /api/session round trip finished. */
  ready: boolean;
  needsSetup: boolean;
  user: UserDto | null;
  error: string | null;
  /** The server's attachment limits (from the session answer). */
  limits: ComposeLimitsDto | null;
}>({ ready: false, needsSetup: false, user: null, error: null, limits: null });

export function signedIn(info: SessionInfo): void {
  setCsrfToken(info.csrfToken);
  applyUserLocale(info.user);
  session.user = info.user;
  session.limits = info.limits;
  session.needsSetup = false;
}

export function signedOut(): void {
  setCsrfToken(null);
  applyUserLocale(null);
  session.user = null;
}

/** Restores the state on (re)load: is setup still open, and is there a valid session cookie? */
export async function boot(): Promise<void> {
  session.error = null;
  try {
    const { needsSetup } = await api.setupStatus();
    session.needsSetup = needsSetup;
    if (!needsSetup) {
      try {
        signedIn(await api.session());
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) throw err;
        signedOut();
      }
    }
  } catch (err) {
    session.error = err instanceof Error ? err.message : String(err);
  } finally {
    session.ready = true;
  }
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  } finally {
    signedOut();
  }
}
