// The agent console in headless Chromium (the CDP driver of the browser tests, tests/support/browser.ts):
// - its initial JavaScript: a signed-in agent opens `/` (the inbox); every script the page fetched until the
//   inbox is live (Resource Timing), each gzipped (-9) from its bytes as served, summed;
// - the time from a message's ingest to its appearance in an open tab: a signed `POST /webhooks/api/:token`
//   (API channel) of a message to the conversation open in the tab → ingest → commit → relay → Socket.IO → the
//   console renders it in the timeline. The page stamps the moment the message's element appears (a
//   MutationObserver, `performance.timeOrigin + now()`, the same wall clock as the bench process's stamp before
//   the POST). One message in flight at a time (latency, not throughput), against `node server/src/main.ts`.
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { StorageMode } from '@switchboard/db/testing';
import { postApiWebhook, setupAdmin, type ApiClient } from '../../support/api.ts';
import { launchPage, type Page } from '../../support/browser.ts';
import { runStartBuild } from '../../support/start-process.ts';
import { startAppServer } from '../lib/app-server.ts';
import { sequentialRow, sizeRow } from '../lib/rows.ts';
import { runSequential } from '../lib/sequential.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';

const MESSAGES = Number(process.env.BENCH_CONSOLE_MESSAGES ?? 100);
const WARMUP = 10;
const SECRET = 'bench-console-secret-0123456789';
const BUNDLE_GOAL_KB = 120;

/** Opens `path` in the page as the admin (their session cookie) and waits for the live inbox. */
async function openSignedIn(page: Page, url: string, admin: ApiClient, path: string, ready: string): Promise<void> {
  const value = admin.cookie?.replace(/^sb_session=/, '');
  if (!value) throw new Error('no session cookie');
  await page.send('Network.setCookie', { name: 'sb_session', value, url, httpOnly: true, sameSite: 'Lax' });
  await page.goto(`${url}${path}`);
  await page.waitFor(`document.querySelector('.live.online') && ${ready}`, 'the live console', 60_000);
}

async function bundleRow(page: Page, url: string, admin: ApiClient, opts: BenchOptions): Promise<BenchRow> {
  await openSignedIn(page, url, admin, '/', `!document.body.innerText.includes('Loading')`);
  const scripts = await page.evaluate<string[]>(
    `performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script' || e.initiatorType === 'link' || /\\.m?js(\\?|$)/.test(e.name)).map((e) => e.name).filter((n) => /\\.m?js(\\?|$)/.test(new URL(n).pathname))`,
  );
  let raw = 0;
  let gzip = 0;
  for (const src of [...new Set(scripts)]) {
    const bytes = Buffer.from(await (await fetch(src)).arrayBuffer());
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  opts.log(`console initial JS: ${scripts.length} files, ${(gzip / 1000).toFixed(1)} kB gzip`);
  return sizeRow(
    {
      id: 'console-initial-js',
      scenario: 'Console initial JS for / (inbox)',
      notes: `${scripts.length} JS files fetched by a signed-in load of / until the inbox is live; minified ${(raw / 1000).toFixed(1)} kB, gzip -9 ${(gzip / 1000).toFixed(1)} kB; goal ≤ ${BUNDLE_GOAL_KB} kB`,
    },
    gzip,
    scripts.length === 0 ? 1 : 0,
  );
}

/** In the page: stamps when a timeline message containing a pending marker appears. */
const OBSERVER = `(() => {
  window.__sbPending = new Set();
  window.__sbSeen = {};
  new MutationObserver(() => {
    if (!window.__sbPending.size) return;
    const items = [...document.querySelectorAll('.timeline li[data-message-id]')].slice(-5);
    for (const marker of window.__sbPending) {
      if (items.some((li) => li.textContent.includes(marker))) {
        window.__sbSeen[marker] = performance.timeOrigin + performance.now();
        window.__sbPending.delete(marker);
      }
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

async function latencyRow(store: StorageMode, opts: BenchOptions, bundle: boolean): Promise<BenchRow[]> {
  const server = await startAppServer(store);
  let page: Page | undefined;
  try {
    const admin = await setupAdmin(server.url);
    const inbox = await admin.post('/api/inboxes', { kind: 'api', name: 'Bench API', credentials: { secret: SECRET } });
    if (inbox.status !== 201) throw new Error(`inbox creation failed: ${inbox.status} ${JSON.stringify(inbox.body)}`);
    const token = inbox.body.publicToken as string;
    let seq = 0;
    const post = (marker: string) =>
      postApiWebhook(server.url, token, SECRET, { messages: [{ id: `bench-${++seq}`, contact: { id: 'bench-contact', name: 'Bench Customer' }, text: `Question ${marker}` }] });
    const first = await post('first');
    if (first.status !== 200) throw new Error(`webhook failed: ${first.status} ${JSON.stringify(first.body)}`);
    const conversationId = ((await admin.get(`/api/conversations?inboxId=${inbox.body.id as string}`)).body.items[0] as { id: string }).id;

    page = await launchPage();
    await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
    const rows: BenchRow[] = bundle ? [await bundleRow(page, server.url, admin, opts)] : [];
    await openSignedIn(page, server.url, admin, `/?c=${conversationId}`, `[...document.querySelectorAll('.timeline li')].some((li) => li.textContent.includes('Question first'))`);
    await page.evaluate(OBSERVER);

    const p = page;
    const once = async (i: number): Promise<number> => {
      const marker = `m${i.toString().padStart(5, '0')}x`;
      await p.evaluate(`window.__sbPending.add(${JSON.stringify(marker)})`);
      const started = performance.timeOrigin + performance.now();
      const r = await post(marker);
      if (r.status !== 200 || r.body?.received !== 1) throw new Error(`webhook answered ${r.status} ${JSON.stringify(r.body)}`);
      const end = Date.now() + 30_000;
      for (;;) {
        const seen = await p.evaluate<number | null>(`window.__sbSeen[${JSON.stringify(marker)}] ?? null`);
        if (seen !== null) return seen - started;
        if (Date.now() > end) throw new Error(`message ${marker} did not appear within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    opts.log(`console latency (${store}): ${MESSAGES} messages, one in flight`);
    const result = await runSequential(MESSAGES, WARMUP, once, opts.log);
    if (page.errors.length) opts.log(`  page errors: ${page.errors.join('; ')}`);
    rows.push(sequentialRow(
      { id: `console-latency/${store}`, scenario: 'API webhook → open console tab', store, notes: `signed POST /webhooks/api → the message rendered in the conversation open in headless Chromium (page stamp by MutationObserver), one in flight, ${WARMUP} warm-up msgs; BENCH_CONSOLE_MESSAGES=${MESSAGES}` },
      result,
      MESSAGES,
    ));
    return rows;
  } finally {
    await page?.close();
    await server.stop();
  }
}

export const consoleUi: Scenario = {
  name: 'console',
  async run(opts) {
    const { ms } = runStartBuild(); // web/build as `npm start` builds it (a cache hit when nothing changed)
    opts.log(`console build step ${ms} ms`);
    const rows: BenchRow[] = [];
    for (const [i, store] of opts.stores.entries()) rows.push(...(await latencyRow(store, opts, i === 0)));
    return rows;
  },
};
