import type { NormalizedContact, NormalizedIdentity } from '../contract.ts';
import type { VisitorClaims } from './tokens.ts';

/** The visitor's browser identity: `<inboxId>:visitor:<visitorId>`. */
export const visitorAddress = (inboxId: string, visitorId: string) => `${inboxId}:visitor:${visitorId}`;

/** A site's logged-in customer, proven by the identity hash: `<inboxId>:user:<userId>`. */
export const userAddress = (inboxId: string, userId: string) => `${inboxId}:user:${userId}`;

/**
 * The identities of a widget session, strongest first (the first one the workspace knows decides the contact):
 * the verified user id, the verified email, the browser's visitor id, then an email typed into the pre-chat form
 * (`verified: false`: it never merges into an existing contact).
 */
export function visitorIdentities(c: VisitorClaims): NormalizedIdentity[] {
  const out: NormalizedIdentity[] = [];
  if (c.userId) out.push({ kind: 'webchat', address: userAddress(c.inboxId, c.userId), verified: true });
  if (c.email) out.push({ kind: 'email', address: c.email, verified: true });
  out.push({ kind: 'webchat', address: visitorAddress(c.inboxId, c.visitorId), verified: true });
  if (c.claimedEmail && c.claimedEmail !== c.email) out.push({ kind: 'email', address: c.claimedEmail, verified: false });
  return out;
}

export function visitorContact(c: VisitorClaims): NormalizedContact {
  return { identities: visitorIdentities(c), ...(c.name ? { name: c.name } : {}) };
}

/** True when `identities` include one this inbox's widget can reach (a visitor or verified user of the inbox). */
export function reachableByWidget(inboxId: string, identities: NormalizedIdentity[]): boolean {
  return identities.some((i) => i.kind === 'webchat' && i.address.startsWith(`${inboxId}:`));
}
