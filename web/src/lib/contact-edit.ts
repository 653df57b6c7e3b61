// Editing a contact in the side panel: which identities an agent adds by hand, how attribute values show
// as text, and the translated reason when the API refuses an identity.
import type { IdentityKind } from '@switchboard/server/contracts';
import type { MessageKey } from './i18n.ts';

/** Identity kinds an agent types in (webchat and api ids are assigned by their channels). */
export const ADDABLE_KINDS = ['email', 'phone', 'telegram', 'slack', 'messenger', 'instagram'] as const satisfies readonly IdentityKind[];

/** An attribute value as the agent edits it: strings as they are, anything else as JSON. */
export function attributeText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

/** The attributes with `key` set to the typed text (kept in insertion order). */
export function setAttribute(attributes: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  return { ...attributes, [key]: value };
}

export function withoutAttribute(attributes: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== key));
}

/** Why adding an identity failed, for the statuses the API answers with a reason: 409 taken, 400 invalid. */
export function identityError(status: number, kind: IdentityKind): MessageKey | null {
  if (status === 409) return 'contact.identityTaken';
  if (status !== 400) return null;
  if (kind === 'email') return 'contact.invalidEmail';
  if (kind === 'phone') return 'contact.invalidPhone';
  return 'contact.invalidHandle';
}
