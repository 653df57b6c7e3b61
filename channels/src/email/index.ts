export { createEmailAdapter, EMAIL_HAS_NO_WEBHOOKS, emailAdapter, type EmailAdapterOptions } from './adapter.ts';
export { detectBounce, isAutomatedMail, type Bounce } from './auto.ts';
export { capReferences, composeEmail, outboundMessageId, replySubject, type ComposedEmail } from './compose.ts';
export {
  classifyMailError,
  testEmailConnection,
  type ConnectionProblem,
  type ConnectionTestOptions,
  type ConnectionTestResult,
} from './connection.ts';
export { isOwnAddress, messageIdsIn, normalizeMessageId, replyAddress, replyTokenOf, syntheticMessageId, syntheticMessageIdOf } from './ids.ts';
export { parseEmail, threadCandidatesOf, type EmailContext, type MailPart, type MailView } from './parse.ts';
export { parseEmailStream } from './parse-stream.ts';
export { visibleReply } from './reply-text.ts';
export {
  DEFAULT_MAX_ATTACHMENT_BYTES,
  emailCredentialsSchema,
  emailSettingsSchema,
  imapCredentialsSchema,
  smtpCredentialsSchema,
  type EmailCredentials,
  type EmailSecurity,
  type EmailSettings,
  type ImapCredentials,
  type SmtpCredentials,
} from './schema.ts';
export { sendEmail, type SendEmailOptions } from './send.ts';
export { smtpError } from './smtp-errors.ts';
export { createSmtpTransport, imapClientOptions, smtpTransportOptions } from './transport.ts';
