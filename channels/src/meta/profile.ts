/**
 * Sender profiles for Messenger and Instagram: their webhooks carry only the page- or account-scoped id (PSID,
 * IGSID), so the name is read from the Graph API (`GET /{psid}?fields=first_name,last_name,profile_pic`,
 * `GET /{igsid}?fields=name,username`) with the inbox's token.
 */
import type { ContactProfile, NormalizedIdentity } from '../contract.ts';
import { graphCall, type MetaContext } from './graph.ts';

/** Short: the lookup runs in a background job, and retries on Meta's 5xx and throttling. */
const PROFILE_TIMEOUT_MS = 5_000;

/** The scoped user id of an identity `<accountId>:<userId>` of this account, or null. */
function scopedUserId(identity: NormalizedIdentity, kind: 'messenger' | 'instagram', accountId: string): string | null {
  if (identity.kind !== kind || !identity.address.startsWith(`${accountId}:`)) return null;
  const id = identity.address.slice(accountId.length + 1);
  return /^\d{1,64}$/.test(id) ? id : null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export async function fetchMessengerProfile(identity: NormalizedIdentity, ctx: MetaContext, pageId: string): Promise<ContactProfile | null> {
  const psid = scopedUserId(identity, 'messenger', pageId);
  if (!psid) return null;
  const user = await graphCall<Record<string, unknown>>(ctx, { path: psid, query: { fields: 'first_name,last_name,profile_pic' }, timeoutMs: PROFILE_TIMEOUT_MS });
  const name = [text(user.first_name), text(user.last_name)].filter(Boolean).join(' ');
  const profilePic = text(user.profile_pic);
  if (!name && !profilePic) return null;
  return { ...(name && { name }), ...(profilePic && { attributes: { messenger: { profilePic } } }) };
}

export async function fetchInstagramProfile(identity: NormalizedIdentity, ctx: MetaContext, accountId: string): Promise<ContactProfile | null> {
  const igsid = scopedUserId(identity, 'instagram', accountId);
  if (!igsid) return null;
  const user = await graphCall<Record<string, unknown>>(ctx, { path: igsid, query: { fields: 'name,username' }, timeoutMs: PROFILE_TIMEOUT_MS });
  const username = text(user.username);
  const name = text(user.name) || (username ? `@${username}` : '');
  if (!name) return null;
  return { name, ...(username && { attributes: { instagram: { username } } }) };
}
