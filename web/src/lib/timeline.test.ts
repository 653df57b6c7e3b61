import { describe, expect, it } from 'vitest';
import { msg } from './test-fixtures.ts';
import type { RealtimeEvent } from '@switchboard/server/contracts';
import { addLocal, applyEventToTimeline, confirmLocal, failLocal, fromMessages, mergeLoaded, optimisticEntry, updateMessage, upsertMessage } from './timeline.ts';

const author = { id: 'u1', name: 'Olga' };
const keys = (l: { key: string }[]) => l.map((e) => e.key);

describe('timeline', () => {
  it('orders loaded messages oldest first', () => {
    const l = fromMessages([msg('b', { createdAt: '2026-01-01T10:01:00Z' }), msg('a', { createdAt: '2026-01-01T10:00:00Z' })]);
    expect(keys(l)).toEqual(['a', 'b']);
  });

  it('shows a send at once, then replaces it with the server message', () => {
    const start = fromMessages([msg('a')]);
    const local = optimisticEntry({ conversationId: 'c1', inboxId: 'i', kind: 'message', text: 'Hello', author });
    const sending = addLocal(start, local);
    expect(sending.at(-1)).toMatchObject({ local: { state: 'sending' }, message: { text: 'Hello', deliveryStatus: 'queued', direction: 'out' } });
    const server = msg('s1', { direction: 'out', text: 'Hello', deliveryStatus: 'queued', createdAt: '2026-01-01T10:05:00Z' });
    const done = confirmLocal(sending, local.key, server);
    expect(keys(done)).toEqual(['a', 's1']);
    expect(done[1]!.local).toBeUndefined();
  });

  it('does not duplicate when the realtime event arrives before the POST answer', () => {
    const local = optimisticEntry({ conversationId: 'c1', inboxId: 'i', kind: 'note', text: 'Note', author });
    let l = addLocal([], local);
    l = upsertMessage(l, msg('s1', { kind: 'note', createdAt: '2026-01-01T10:05:00Z' }));
    l = updateMessage(l, msg('s1', { kind: 'note', deliveryStatus: 'sent', createdAt: '2026-01-01T10:05:00Z' }));
    l = confirmLocal(l, local.key, msg('s1', { kind: 'note', deliveryStatus: 'queued', createdAt: '2026-01-01T10:05:00Z' }));
    expect(keys(l)).toEqual(['s1']);
    expect(l[0]!.message.deliveryStatus).toBe('sent');
  });

  it('marks a failed send and keeps its text', () => {
    const local = optimisticEntry({ conversationId: 'c1', inboxId: 'i', kind: 'message', text: 'Oops', author });
    const l = failLocal(addLocal([], local), local.key, 'Network down');
    expect(l[0]).toMatchObject({ local: { state: 'failed', error: 'Network down' }, message: { text: 'Oops' } });
  });

  it('shows the files of a send at once; a failed send keeps its whole draft for a resend', () => {
    const files = [new File(['%PDF-1.4'], 'invoice.pdf', { type: 'application/pdf' }), new File([new Uint8Array(3)], 'blob')];
    const local = optimisticEntry({ conversationId: 'c1', inboxId: 'i', kind: 'message', text: 'See attached', subject: 'Re: Invoice', cc: ['bea@example.test'], files, author });
    expect(local.message.attachments).toEqual([
      { id: `${local.key}:0`, name: 'invoice.pdf', contentType: 'application/pdf', size: 8, url: '', error: null },
      { id: `${local.key}:1`, name: 'blob', contentType: 'application/octet-stream', size: 3, url: '', error: null },
    ]);
    expect(local.message.metadata).toEqual({ emailReply: { subject: 'Re: Invoice', cc: ['bea@example.test'] } });
    const failed = failLocal(addLocal([], local), local.key, 'Payload too large');
    expect(failed[0]!.local).toEqual({ state: 'failed', error: 'Payload too large', draft: { text: 'See attached', subject: 'Re: Invoice', cc: ['bea@example.test'], files } });
    // The server's message (with stored files) replaces the placeholder.
    const stored = msg('s1', { direction: 'out', attachments: [{ id: 'f1', name: 'invoice.pdf', contentType: 'application/pdf', size: 8, url: '/api/attachments/f1', error: null }] });
    const done = confirmLocal(addLocal([], local), local.key, stored);
    expect(done.map((e) => [e.key, e.local, e.message.attachments[0]?.url])).toEqual([['s1', undefined, '/api/attachments/f1']]);
  });

  it('applies delivery updates only to messages it holds', () => {
    const l = fromMessages([msg('a', { deliveryStatus: 'queued' })]);
    expect(updateMessage(l, msg('a', { deliveryStatus: 'failed', deliveryError: '500' }))[0]!.message).toMatchObject({ deliveryStatus: 'failed', deliveryError: '500' });
    expect(keys(updateMessage(l, msg('zzz')))).toEqual(['a']);
  });
});

describe('live events and loading', () => {
  const ev = (type: 'message.created' | 'message.updated', m: ReturnType<typeof msg>, conversationId = 'c1'): RealtimeEvent => {
    const base = { seq: 1, workspaceId: 'w', inboxId: 'i', conversationId, actor: { type: 'contact' as const, id: null }, createdAt: m.createdAt };
    return type === 'message.created' ? { ...base, type, payload: { message: m, conversation: {} as never } } : { ...base, type, payload: { message: m } };
  };

  it('applies messages of its own conversation only, once', () => {
    let l = applyEventToTimeline([], ev('message.created', msg('a')), 'c1');
    l = applyEventToTimeline(l, ev('message.created', msg('a')), 'c1');
    l = applyEventToTimeline(l, ev('message.created', msg('x', { conversationId: 'c2' }), 'c2'), 'c1');
    expect(keys(l)).toEqual(['a']);
    l = applyEventToTimeline(l, ev('message.updated', msg('a', { deliveryStatus: 'read' })), 'c1');
    expect(l[0]!.message.deliveryStatus).toBe('read');
  });

  it('a page loaded after live events keeps the live (newer) snapshots and local sends', () => {
    const local = optimisticEntry({ conversationId: 'c1', inboxId: 'i', kind: 'message', text: 'typing', author });
    const live = addLocal(fromMessages([msg('b', { deliveryStatus: 'sent', createdAt: '2026-01-01T10:02:00Z' })]), local);
    const merged = mergeLoaded(live, [msg('b', { deliveryStatus: 'queued', createdAt: '2026-01-01T10:02:00Z' }), msg('a', { createdAt: '2026-01-01T10:01:00Z' })]);
    expect(keys(merged)).toEqual(['a', 'b', local.key]);
    expect(merged[1]!.message.deliveryStatus).toBe('sent');
  });
});
