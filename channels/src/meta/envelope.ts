import { z } from 'zod';
import type { InboundRequest } from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';

/** The `object` of a webhook POST per channel. */
export type MetaObject = 'page' | 'instagram' | 'whatsapp_business_account';

const envelopeSchema = z.object({
  object: z.string().min(1),
  entry: z.array(z.looseObject({ id: z.string().min(1) })).max(1000),
});

/**
 * JSON.parse + zod, failing with malformed_payload (400, nothing stored) and the first field errors.
 * Meta batches: one POST may hold several entries, each with several events.
 */
export function parseMetaBody<T extends z.ZodType>(req: InboundRequest, object: MetaObject, schema: T): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (err) {
    throw malformed(`Body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) throw malformed(`Not a Meta webhook payload: ${formatZodError(envelope.error)}`, envelope.error);
  if (envelope.data.object !== object) {
    throw malformed(`This inbox receives "${object}" webhooks, not "${envelope.data.object}" (check the app's webhook product)`);
  }
  const result = schema.safeParse(json);
  if (!result.success) throw malformed(`Invalid ${object} webhook: ${formatZodError(result.error)}`, result.error);
  return result.data;
}

/** Graph ids arrive as strings (some older payloads send numbers). */
export const graphIdString = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]).transform(String);

/** A Unix time in seconds, as WhatsApp sends it (a numeric string). */
export const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((v) => new Date(Number(v) * 1000));

/** A Unix time in milliseconds, as Messenger and Instagram send it. */
export const unixMillis = z.number().int().nonnegative().transform((v) => new Date(v));
