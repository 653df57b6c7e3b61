import { ChannelError, type InboundAttachment } from '../contract.ts';
import { fetchWithTimeout } from '../util/http.ts';
import { slackClient, slackError, type SlackContext } from './client.ts';
import type { SlackFile } from './events.ts';

/** A file we only know by id (Slack Connect `check_file_info`): `fetchSlackFile` asks `files.info` for its URL. */
export const FILE_ID_SCHEME = 'slack-file:';

const DOWNLOAD_TIMEOUT_MS = 30_000;
/** Hosts that get the bot token (besides the configured API's own origin). */
const SLACK_FILE_HOSTS = new Set(['files.slack.com', 'files.slack-gov.com']);

/** The files of a message as attachments offered by URL (downloaded later by the server through fetchSlackFile). */
export function attachmentsOf(files: SlackFile[] | undefined): InboundAttachment[] {
  return (files ?? [])
    .filter((f) => f.mode !== 'tombstone' && f.mode !== 'hidden_by_limit')
    .map((f) => {
      const url = f.file_access === 'check_file_info' ? null : (f.url_private_download ?? f.url_private);
      const a: InboundAttachment = {
        name: f.name || f.title || `slack-file-${f.id}`,
        contentType: f.mimetype || 'application/octet-stream',
        url: url || `${FILE_ID_SCHEME}${f.id}`,
      };
      if (typeof f.size === 'number') a.size = f.size;
      return a;
    });
}

function sendsToken(url: URL, ctx: SlackContext): boolean {
  return (url.protocol === 'https:' && SLACK_FILE_HOSTS.has(url.hostname)) || url.origin === new URL(ctx.settings.apiUrl).origin;
}

async function resolveFileId(fileId: string, ctx: SlackContext): Promise<string> {
  let file;
  try {
    file = (await slackClient(ctx).files.info({ file: fileId })).file;
  } catch (err) {
    throw slackError(err, 'files.info', ctx);
  }
  const url = file?.url_private_download ?? file?.url_private;
  if (!url) throw new ChannelError('rejected', `Slack file ${fileId} has no downloadable URL`, { transient: false });
  return url;
}

/**
 * Downloads a file a message offered (`url_private`, or a Slack Connect file id resolved with `files.info`). The bot
 * token goes only to Slack's file hosts (and the configured API origin). Slack answers a request it does not
 * authorize with its HTML sign-in page (status 200): that is refused, not stored as the file.
 */
export async function fetchSlackFile(url: string, ctx: SlackContext): Promise<Response> {
  const target = new URL(url.startsWith(FILE_ID_SCHEME) ? await resolveFileId(url.slice(FILE_ID_SCHEME.length), ctx) : url);
  const headers: Record<string, string> = sendsToken(target, ctx) ? { authorization: `Bearer ${ctx.credentials.botToken}` } : {};
  const res = await fetchWithTimeout(ctx.fetch, target.toString(), { method: 'GET', headers }, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (res.ok && /^text\/html/i.test(res.headers.get('content-type') ?? '') && !/\.html?$/i.test(target.pathname)) {
    await res.body?.cancel();
    throw new ChannelError('unauthorized', 'Slack answered the file download with a sign-in page: does the app have the files:read scope?', {
      transient: false,
      providerStatus: res.status,
    });
  }
  return res;
}
