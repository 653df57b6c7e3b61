import { ChannelError, type ParsedInbound } from '../contract.ts';
import { callTelegram, type TelegramContext } from './api.ts';
import { parseTelegramUpdate } from './parse.ts';
import { TELEGRAM_ALLOWED_UPDATES } from './schema.ts';

/** One update from getUpdates, parsed exactly like a webhook call (or the reason it could not be). */
export type PolledUpdate = { updateId: number; parsed: ParsedInbound } | { updateId: number; error: ChannelError };

export interface PollOptions {
  /** The first update id wanted (the last stored one + 1); null: whatever Telegram still holds. */
  offset: number | null;
  /** Long-poll wait when nothing is pending (Telegram allows up to 50 s). */
  timeoutSeconds: number;
  limit?: number;
  signal?: AbortSignal;
}

const isUpdateId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * One `getUpdates` long poll. Asking with `offset` confirms every update below it to Telegram, so the caller
 * passes the id after the last update it stored: updates it did not store yet come again.
 */
export async function pollTelegramUpdates(ctx: TelegramContext, opts: PollOptions): Promise<PolledUpdate[]> {
  const updates = await callTelegram<unknown>(
    ctx,
    'getUpdates',
    {
      ...(opts.offset !== null && { offset: opts.offset }),
      timeout: opts.timeoutSeconds,
      limit: opts.limit ?? 100,
      allowed_updates: TELEGRAM_ALLOWED_UPDATES,
    },
    { timeoutMs: (opts.timeoutSeconds + 15) * 1000, ...(opts.signal && { signal: opts.signal }) },
  );
  if (!Array.isArray(updates)) throw new ChannelError('provider_error', 'Telegram getUpdates: result is not a list', { transient: true });
  const out: PolledUpdate[] = [];
  for (const u of updates) {
    const updateId: unknown = u && typeof u === 'object' && 'update_id' in u ? u.update_id : undefined;
    if (!isUpdateId(updateId)) continue; // unusable, and confirmed by the next offset anyway
    try {
      out.push({ updateId, parsed: parseTelegramUpdate(u) });
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      out.push({ updateId, error: err });
    }
  }
  return out.sort((a, b) => a.updateId - b.updateId);
}
