import type { FilesCompleteUploadExternalResponse } from '@slack/web-api';
import { ChannelError, type OutboundMessage, type SendResult } from '../contract.ts';
import { htmlToText } from '../util/text.ts';
import { sendInParts } from '../util/parts.ts';
import { slackClient, slackError, type SlackContext } from './client.ts';
import { parseThreadKey, slackMessageId } from './parse.ts';
import { escapeSlackText } from './text.ts';

/** The agent's words as Slack text: escaped, with "*Anna:*" in front when the inbox shows names that way. */
export function replyText(msg: OutboundMessage, style: SlackContext['settings']['agentName']): string {
  const text = escapeSlackText(msg.text.trim() ? msg.text : msg.html ? htmlToText(msg.html) : '');
  const name = msg.author?.name.trim();
  return style === 'prefix' && name && text.trim() ? `*${escapeSlackText(name)}:* ${text}` : text;
}

async function call<T>(method: string, ctx: SlackContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw slackError(err, method, ctx);
  }
}

/**
 * Posts an agent reply into the conversation's Slack thread: the text with `chat.postMessage` (`thread_ts` = the
 * thread's root, `username` = the agent's name when the inbox shows names that way), then any files with
 * `files.uploadV2` into the same thread. The provider id is `<channel>:<ts>` of the posted text (the echo event
 * of our own post carries it), or `<channel>:<root ts>:files:<ids>` for files alone.
 */
export async function sendSlackMessage(msg: OutboundMessage, ctx: SlackContext): Promise<SendResult> {
  const thread = parseThreadKey(msg.conversation.threadKey);
  if (!thread) {
    throw new ChannelError('invalid_recipient', 'This conversation is not a Slack thread (it has no <channel>:<ts> thread key)', { transient: false });
  }
  const client = slackClient(ctx);
  const text = replyText(msg, ctx.settings.agentName);
  const name = msg.author?.name.trim();
  const files = msg.attachments.flatMap((a) => (a.content ? [{ file: Buffer.from(a.content), filename: a.name }] : []));
  if (!text.trim() && files.length === 0) throw new ChannelError('rejected', 'Nothing to send: the reply has no text and no files', { transient: false });

  // Two parts at most, the text and then the files: a retry after the text went out uploads only the files.
  let ts: string | undefined;
  const parts: Array<() => Promise<string>> = [];
  if (text.trim()) {
    parts.push(async () => {
      const posted = await call('chat.postMessage', ctx, () =>
        client.chat.postMessage({
          channel: thread.channel,
          thread_ts: thread.ts,
          text,
          ...(ctx.settings.agentName === 'username' && name ? { username: name } : {}),
        }),
      );
      if (!posted.ts) throw new ChannelError('provider_error', 'Slack chat.postMessage answered without a ts', { transient: true, providerStatus: 200 });
      ts = posted.ts;
      return slackMessageId(posted.channel ?? thread.channel, posted.ts);
    });
  }
  if (files.length > 0) {
    parts.push(async () => {
      const uploaded = (await call('files.uploadV2', ctx, () =>
        client.files.uploadV2({ channel_id: thread.channel, thread_ts: thread.ts, file_uploads: files }),
      )) as { files?: FilesCompleteUploadExternalResponse[] };
      const ids = (uploaded.files ?? []).flatMap((c) => (c.files ?? []).flatMap((f) => (f.id ? [f.id] : [])));
      return `${slackMessageId(thread.channel, thread.ts)}:files:${ids.join(',')}`;
    });
  }
  const [providerMessageId] = await sendInParts(ctx, parts);
  return {
    providerMessageId: providerMessageId!,
    status: 'sent',
    metadata: { slack: { channel: thread.channel, threadTs: thread.ts, ...(ts ? { ts } : {}) } },
  };
}
