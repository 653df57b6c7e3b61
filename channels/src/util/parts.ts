import type { AdapterContext } from '../contract.ts';

/**
 * Sends a reply that takes several provider messages (text parts, one message per file), in order, and returns
 * their provider ids. Parts an earlier try of the same reply already sent (`ctx.sentParts`) are skipped, and each
 * part is recorded as soon as it is out: a retry after a partly failed reply sends only what is missing, instead of
 * repeating the text to the customer. `parts` must come out the same on every try (same split, same order).
 */
export async function sendInParts(ctx: Pick<AdapterContext, 'sentParts'>, parts: Array<() => Promise<string>>): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, send] of parts.entries()) {
    const done = ctx.sentParts?.ids[index];
    if (done) {
      ids.push(done);
      continue;
    }
    const id = await send();
    await ctx.sentParts?.record(index, id);
    ids.push(id);
  }
  return ids;
}
