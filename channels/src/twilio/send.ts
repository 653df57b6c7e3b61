import { ChannelError, type OutboundMessage, type SendResult } from '../contract.ts';
import { twilioAddress, type TwilioChannel } from './address.ts';
import { twilioClient, type TwilioContext } from './client.ts';
import { twilioError } from './errors.ts';
import { twilioContentOf, type TwilioContent } from './content.ts';

/** Twilio's limits: 10 media per MMS, one per WhatsApp message. */
export const MAX_MEDIA: Record<TwilioChannel, number> = { sms: 10, whatsapp: 1 };

/** The inbox's webhook URL, where Twilio reports the message's delivery (`StatusCallback`). */
export function statusCallbackUrl(ctx: TwilioContext): string | undefined {
  return ctx.publicUrl ? `${ctx.publicUrl}/webhooks/${ctx.inbox.kind}/${ctx.inbox.publicToken}` : undefined;
}

const permanent = (code: string, message: string) => new ChannelError(code, message, { transient: false });

function mediaUrls(msg: OutboundMessage, channel: TwilioChannel): string[] {
  if (msg.attachments.length > MAX_MEDIA[channel]) {
    const what = channel === 'whatsapp' ? 'WhatsApp messages carry one attachment' : 'MMS messages carry at most 10 attachments';
    throw permanent('rejected', `${what}; this reply has ${msg.attachments.length}: send them in separate replies`);
  }
  return msg.attachments.map((a) => {
    // Twilio fetches media itself: the server serves each file at a signed, expiring URL under PUBLIC_URL.
    if (!a.url) throw permanent('not_configured', `Twilio fetches attachments from a public URL, and "${a.name}" has none`);
    return a.url;
  });
}

function templateContent(msg: OutboundMessage, ctx: TwilioContext, channel: TwilioChannel): TwilioContent | null {
  if (!msg.template) return null;
  if (channel !== 'whatsapp') throw permanent('rejected', 'Message templates are sent on WhatsApp only');
  return twilioContentOf(msg.template, ctx.settings);
}

/**
 * `messages.create` through the SDK: to the contact's first phone identity (`whatsapp:`-prefixed on WhatsApp), from
 * the Messaging Service or the inbox's number, with the inbox's webhook as StatusCallback; a WhatsApp template as
 * `ContentSid` + `ContentVariables`. Twilio's message SID is the provider id the status callbacks name.
 */
export async function sendTwilioMessage(
  msg: OutboundMessage,
  ctx: TwilioContext,
  channel: TwilioChannel,
  opts: { timeoutMs?: number } = {},
): Promise<SendResult> {
  const { credentials } = ctx;
  const phone = msg.contact.identities.find((i) => i.kind === 'phone')?.address;
  if (!phone) throw permanent('invalid_recipient', 'The contact has no phone number to send to');
  // A WhatsApp template goes out as its Content resource instead of the text (and without files), as on the Cloud API.
  const content = msg.template ? templateContent(msg, ctx, channel) : null;
  const mediaUrl = content ? [] : mediaUrls(msg, channel);
  const body = !content && msg.text.trim() ? msg.text : '';
  if (!content && !body && mediaUrl.length === 0) throw permanent('rejected', 'Nothing to send: the reply has neither text nor attachments');
  const sender = credentials.messagingServiceSid
    ? { messagingServiceSid: credentials.messagingServiceSid }
    : { from: twilioAddress(channel, credentials.phoneNumber ?? '') };
  const statusCallback = statusCallbackUrl(ctx);
  let created;
  try {
    created = await (await twilioClient(ctx, opts.timeoutMs)).messages.create({
      to: twilioAddress(channel, phone),
      ...sender,
      ...(content ?? {}),
      ...(body ? { body } : {}),
      ...(mediaUrl.length ? { mediaUrl } : {}),
      ...(statusCallback ? { statusCallback } : {}),
    });
  } catch (err) {
    throw twilioError(err);
  }
  if (typeof created.sid !== 'string' || !created.sid) throw permanent('provider_error', 'Twilio accepted the message but returned no message SID');
  return {
    providerMessageId: created.sid,
    status: 'sent',
    metadata: { twilioStatus: created.status, numSegments: created.numSegments, numMedia: created.numMedia },
  };
}
