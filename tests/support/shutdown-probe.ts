// Run as a child process by tests/realtime-shutdown.test.ts: starts the whole server in this
// process (configured by the environment, like main.ts), connects a Socket.IO client, ingests a
// message and waits for its event, disconnects, stops the server, and then does NOT call
// process.exit: the process must end by itself. If it is still alive after a while, it prints
// what keeps it alive and exits with code 3.
import { io, type Socket } from 'socket.io-client';
import { loadConfig, startServer } from '@switchboard/server';
import type { ClientToServerEvents, ServerToClientEvents } from '@switchboard/server/contracts';
import { ApiClient, postApiWebhook } from './api.ts';

const SECRET = 'probe-secret-0123456789abcdef';

const config = loadConfig(process.env, { port: 0, host: '127.0.0.1', webDir: undefined });
const server = await startServer(config);
const admin = await new ApiClient(server.url).login(config.admin!.email, config.admin!.password);
const inbox = (await admin.post('/api/inboxes', { kind: 'api', name: 'Probe', credentials: { secret: SECRET } })).body as { publicToken: string };
const token = ((await admin.post('/api/me/tokens', { name: 'probe' })).body as { token: string }).token;

const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(server.url, { auth: { token, lastSeq: 0 }, transports: ['websocket'], reconnection: false });
await new Promise<void>((resolve, reject) => {
  socket.once('connect_error', reject);
  socket.once('replay:done', () => resolve());
});
const arrived = new Promise<void>((resolve) => socket.on('event', (e) => e.type === 'message.created' && resolve()));
const r = await postApiWebhook(server.url, inbox.publicToken, SECRET, { messages: [{ id: 'probe-1', contact: { id: 'p' }, text: 'probe' }] });
if (r.status !== 200) throw new Error(`webhook failed: ${r.status}`);
await arrived;
// Tell the other instances too (Redis): a sync round trip leaves nothing pending behind.
await server.gateway.syncRooms((await admin.get('/api/me')).body.workspaceId);
socket.disconnect();

await server.stop();
console.log('stopped');
const watchdog = setTimeout(() => {
  console.log('still alive after stop:', JSON.stringify(process.getActiveResourcesInfo()));
  process.exit(3);
}, Number(process.env.PROBE_GRACE_MS ?? 5000));
watchdog.unref();
