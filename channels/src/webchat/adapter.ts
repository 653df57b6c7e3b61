import type { ChannelAdapter } from '../contract.ts';
import { parseWidgetInbound, verifyWidgetRequest } from './parse.ts';
import { webchatCredentialsSchema, webchatSettingsSchema, type WebchatCredentials, type WebchatSettings } from './schema.ts';
import { sendWebchat } from './send.ts';

/**
 * The website chat widget. Visitor messages reach the server over its `/widget` Socket.IO namespace, which
 * hands each one to the webhook service as a request carrying the visitor's signed token: `verify` checks the
 * token, `parse` turns the message into the normalized form (identities from the token). Agent replies are
 * pushed to the visitor's widgets by the server; `send` confirms them.
 */
export const webchatAdapter: ChannelAdapter<WebchatCredentials, WebchatSettings> = {
  kind: 'webchat',
  credentialsSchema: webchatCredentialsSchema,
  settingsSchema: webchatSettingsSchema,
  verify: verifyWidgetRequest,
  parse: parseWidgetInbound,
  send: sendWebchat,
};
