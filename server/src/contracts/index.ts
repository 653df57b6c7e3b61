export type * from './dto.ts';
export type * from './realtime.ts';
export { EventCursor } from './replay-merge.ts';
