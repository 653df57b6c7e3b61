// A composer draft as the reply/note endpoint takes it: files base64-encoded, Subject and Cc only when set.
import type { ComposeBody } from './api.ts';
import { toBase64 } from './attachments.ts';
import type { OutgoingDraft } from './timeline.ts';

export async function composeBody(draft: OutgoingDraft): Promise<ComposeBody> {
  const text = draft.text.trim();
  const attachments = await Promise.all(
    draft.files.map(async (f) => ({ name: f.name || 'attachment', contentType: f.type || 'application/octet-stream', contentBase64: await toBase64(f) })),
  );
  return {
    ...(text ? { text } : {}),
    ...(draft.subject !== undefined ? { subject: draft.subject } : {}),
    ...(draft.cc !== undefined ? { cc: [...draft.cc] } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}
