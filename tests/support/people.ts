import { ApiClient } from './api.ts';

export const PASSWORD = 'a long enough password';

let seq = 0;

/** Creates a user through the admin's client and returns them, signed in (cookie + CSRF) unless `login: false`. */
export async function addUser(
  admin: ApiClient,
  role: 'admin' | 'lead' | 'agent',
  opts: { name?: string; email?: string; login?: boolean } = {},
): Promise<{ id: string; email: string; client: ApiClient }> {
  seq += 1;
  const email = opts.email ?? `${role}${seq}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const r = await admin.post('/api/users', { name: opts.name ?? `${role} ${seq}`, email, role, password: PASSWORD });
  if (r.status !== 201) throw new Error(`creating a user failed: ${r.status} ${JSON.stringify(r.body)}`);
  const client = new ApiClient(admin.base);
  if (opts.login !== false) await client.login(email, PASSWORD);
  return { id: r.body.id, email, client };
}

/** A client authenticating with a bearer API token only. */
export function bearer(base: string, token: string): ApiClient {
  const c = new ApiClient(base);
  c.token = token;
  return c;
}

/** A client that sends the session cookie but never the CSRF token. */
export function withoutCsrf(c: ApiClient): ApiClient {
  const copy = new ApiClient(c.base);
  copy.cookie = c.cookie;
  return copy;
}

/** Creates a second workspace (setup is one-time) and returns its admin, signed in. */
export async function secondWorkspace(
  services: { auth: { createWorkspaceWithAdmin(i: { workspaceName: string; name: string; email: string; password: string }, o: { onlyIfEmpty: boolean }): Promise<unknown> } },
  base: string,
): Promise<ApiClient> {
  const email = `other-admin-${Math.random().toString(36).slice(2, 8)}@example.test`;
  await services.auth.createWorkspaceWithAdmin({ workspaceName: 'Globex', name: 'Olga Other', email, password: PASSWORD }, { onlyIfEmpty: false });
  return new ApiClient(base).login(email, PASSWORD);
}
