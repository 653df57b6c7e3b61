import type { Priority } from '@switchboard/server/contracts';

/** A conversation's priorities, lowest first (the pickers' order). */
export const PRIORITIES: readonly Priority[] = ['none', 'low', 'medium', 'high', 'urgent'];
