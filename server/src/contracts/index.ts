export type * from './dto.ts';
export type * from './realtime.ts';
export type * from './widget.ts';
export { EventCursor } from './replay-merge.ts';
