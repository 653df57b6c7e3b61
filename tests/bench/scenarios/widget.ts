// The chat widget: its bundle size (what every page of a customer's site downloads), and the latency of a
// visitor's message to an agent over Socket.IO end to end: a socket.io-client visitor on the `/widget`
// namespace emits `message:send` → origin/rate checks → the webhook service → IngestService → commit → relay →
// the agents' feed → an agent's socket.io-client receives `message.created`. One message in flight at a time
// (latency, not throughput), against `node server/src/main.ts` in its own process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RealtimeEvent, ServerToClientEvents, WidgetClientEvents, WidgetServerEvents } from '@switchboard/server/contracts';
import type { StorageMode } from '@switchboard/db/testing';
import { setupAdmin } from '../../support/api.ts';
import { repoRoot, runStartBuild } from '../../support/start-process.ts';
import { startAppServer } from '../lib/app-server.ts';
import { sequentialRow, sizeRow } from '../lib/rows.ts';
import { runSequential } from '../lib/sequential.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';

const MESSAGES = Number(process.env.BENCH_WIDGET_MESSAGES ?? 200);
const WARMUP = 20;

function bundleRow(opts: BenchOptions): BenchRow {
  const { ms } = runStartBuild(); // the start script's build: a cache hit when nothing changed
  const js = readFileSync(join(repoRoot, 'web/build/widget.js'));
  const gzip = gzipSync(js, { level: 9 }).length;
  opts.log(`widget bundle: ${(gzip / 1000).toFixed(1)} kB gzip (build step ${ms} ms)`);
  return sizeRow(
    { id: 'widget-bundle', scenario: 'widget.js (chat widget)', notes: `minified ${(js.length / 1000).toFixed(1)} kB, gzip -9 ${(gzip / 1000).toFixed(1)} kB; goal ≤ 40 kB` },
    gzip,
  );
}

function connected<S extends Socket>(socket: S, ready: string): Promise<S> {
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once(ready, () => resolve(socket));
  });
}

async function latencyRow(store: StorageMode, opts: BenchOptions): Promise<BenchRow> {
  const server = await startAppServer(store);
  let agent: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  let visitor: Socket<WidgetServerEvents, WidgetClientEvents> | undefined;
  try {
    const admin = await setupAdmin(server.url);
    const token = (await admin.post('/api/me/tokens', { name: 'bench' })).body.token as string;
    const inbox = await admin.post('/api/inboxes', {
      kind: 'webchat',
      name: 'Bench chat',
      settings: { limits: { messagesPerMinute: 10_000, messagesPerMinutePerIp: 10_000 } },
    });
    if (inbox.status !== 201) throw new Error(`inbox creation failed: ${inbox.status} ${JSON.stringify(inbox.body)}`);
    agent = await connected(io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true }), 'replay:done');
    visitor = await connected(
      io(`${server.url}/widget`, { auth: { inbox: inbox.body.publicToken as string }, transports: ['websocket'], reconnection: false, forceNew: true }),
      'session',
    );

    const arrived = new Map<string, () => void>();
    agent.on('event', (e: RealtimeEvent) => {
      if (e.type !== 'message.created') return;
      const id = (e.payload.message.metadata.webchat as { clientId?: string } | undefined)?.clientId;
      if (id) arrived.get(id)?.();
    });
    const v = visitor;
    const once = (i: number): Promise<number> => {
      const clientId = `bench-${i.toString().padStart(6, '0')}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`message ${i} did not reach the agent within 30 s`)), 30_000);
        const started = performance.now();
        arrived.set(clientId, () => {
          clearTimeout(timer);
          arrived.delete(clientId);
          resolve(performance.now() - started);
        });
        v.emit('message:send', { clientId, text: `Hello, question number ${i}` }, (r) => {
          if (!r.ok) {
            clearTimeout(timer);
            reject(new Error(`refused: ${r.error.code} ${r.error.message}`));
          }
        });
      });
    };
    opts.log(`widget latency (${store}): ${MESSAGES} messages, one in flight`);
    const result = await runSequential(MESSAGES, WARMUP, once, opts.log);
    return sequentialRow(
      { id: `widget-latency/${store}`, scenario: 'Widget visitor → agent (Socket.IO)', store, notes: `one visitor, one agent socket, one message in flight (latency from emit to the agent's message.created), ${WARMUP} warm-up msgs; BENCH_WIDGET_MESSAGES=${MESSAGES}` },
      result,
      MESSAGES,
    );
  } finally {
    visitor?.close();
    agent?.close();
    await server.stop();
  }
}

export const widget: Scenario = {
  name: 'widget',
  async run(opts) {
    const rows: BenchRow[] = [bundleRow(opts)];
    for (const store of opts.stores) rows.push(await latencyRow(store, opts));
    return rows;
  },
};
