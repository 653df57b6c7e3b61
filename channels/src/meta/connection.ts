/** Connection tests: one Graph read with the inbox's token, classified for the admin. */
import { ChannelError, type ConnectionCheck } from '../contract.ts';
import { GraphApiError, graphCall, type MetaContext } from './graph.ts';

/** Graph's "object does not exist / no permission to see it" (code 100, subcode 33) and unknown aliases (803). */
const isMissingObject = (err: ChannelError) =>
  err.providerStatus === 404 || (err instanceof GraphApiError && ((err.graph.code === 100 && err.graph.error_subcode === 33) || err.graph.code === 803));

export function connectionProblem(err: unknown): ConnectionCheck {
  if (!(err instanceof ChannelError)) return { ok: false, problem: 'unknown', message: err instanceof Error ? err.message : String(err) };
  const problem =
    err.code === 'unauthorized' ? 'auth_failed'
    : isMissingObject(err) ? 'not_found'
    : err.code === 'network_error' ? 'unreachable'
    : err.code === 'timeout' ? 'timeout'
    : 'unknown';
  return { ok: false, problem, message: err.message };
}

/**
 * Reads `path` (with `fields`) and hands the object to `check`, which may still refuse it (a token for
 * another page). Never throws.
 */
export async function testGraphObject(
  ctx: MetaContext,
  path: string,
  fields: string,
  check: (object: Record<string, unknown>) => ConnectionCheck = (object) => ({ ok: true, details: object }),
): Promise<ConnectionCheck> {
  try {
    return check(await graphCall<Record<string, unknown>>(ctx, { path, query: { fields } }));
  } catch (err) {
    return connectionProblem(err);
  }
}
