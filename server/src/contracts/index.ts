export type * from './dto.ts';
export type * from './realtime.ts';
export type * from './widget.ts';
export { EventCursor } from './replay-merge.ts';
export type * from './unread.ts';
export type * from './presence.ts';
