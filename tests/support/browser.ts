// A tiny headless-Chromium driver over the DevTools protocol (Node's built-in WebSocket, no
// dependencies) for the console smoke test. Chromium comes from Debian: chromium-headless-shell.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The binaries themselves: /usr/bin/chromium* are shell wrappers that would outlive a kill.
export const CHROMIUM = ['/usr/lib/chromium/chromium-headless-shell', '/usr/lib/chromium/chromium', '/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((p) =>
  existsSync(p),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Page {
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
  send(method: string, params?: Record<string, unknown>): Promise<any>;
  evaluate<T = unknown>(expression: string): Promise<T>;
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  /** Sets an input's value the way typing does (fires `input`). */
  fill(selector: string, value: string): Promise<void>;
  click(selector: string): Promise<void>;
  text(): Promise<string>;
  path(): Promise<string>;
  close(): Promise<void>;
}

export async function launchPage(): Promise<Page> {
  if (!CHROMIUM) throw new Error('Chromium is not installed (apt-get install chromium-headless-shell)');
  const profile = mkdtempSync(join(tmpdir(), 'sb-chromium-'));
  const child: ChildProcess = spawn(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    // Its own process group: closing kills the browser with all its helper processes.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const close = async () => {
    const exited = new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
    await exited;
    rmSync(profile, { recursive: true, force: true });
  };
  try {
    // With port 0 Chromium writes the port it picked into <profile>/DevToolsActivePort.
    // The file holds "<port>\n<browser target path>"; wait for both lines (never a partial write).
    let port = 0;
    const end = Date.now() + 60_000;
    while (!port && Date.now() < end && child.exitCode === null) {
      try {
        const [p, path] = readFileSync(join(profile, 'DevToolsActivePort'), 'utf8').split('\n');
        if (path) port = Number(p);
      } catch {
        /* not written yet */
      }
      if (!port) await sleep(100);
    }
    if (!port) throw new Error(`Chromium did not start (exit ${child.exitCode}):\n${stderr}`);
    let target: { type: string; webSocketDebuggerUrl: string } | undefined;
    for (let i = 0; i < 50 && !target; i++) {
      const list = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ type: string; webSocketDebuggerUrl: string }>;
      target = list.find((t) => t.type === 'page');
      if (!target) await sleep(100);
    }
    if (!target) throw new Error('no page target');
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve, { once: true });
      ws.addEventListener('error', reject, { once: true });
    });

    let seq = 0;
    const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
    const errors: string[] = [];
    ws.addEventListener('message', (ev) => {
      const msg = JSON.parse(String(ev.data));
      if (msg.id && pending.has(msg.id)) {
        const p = pending.get(msg.id)!;
        pending.delete(msg.id);
        if (msg.error) p.reject(new Error(`${msg.error.message}`));
        else p.resolve(msg.result);
      } else if (msg.method === 'Runtime.exceptionThrown') {
        errors.push(msg.params.exceptionDetails.exception?.description ?? msg.params.exceptionDetails.text);
      } else if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error') {
        errors.push(msg.params.args.map((a: any) => a.value ?? a.description).join(' '));
      }
    });
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<any>((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      });
    const evaluate = async <T>(expression: string): Promise<T> => {
      const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result?.value as T;
    };
    const text = () => evaluate<string>('document.body.innerText');
    const path = () => evaluate<string>('location.pathname');
    // Runs a navigation and waits until the new document replaced the old one.
    const navigated = async (start: () => Promise<unknown>) => {
      await evaluate('window.__sbOldDocument = true');
      await start();
      const end = Date.now() + 15_000;
      while (Date.now() < end) {
        const fresh = await evaluate<boolean>(`!window.__sbOldDocument && document.readyState !== 'loading'`).catch(() => false);
        if (fresh) return;
        await sleep(50);
      }
      throw new Error('navigation did not complete');
    };
    await send('Runtime.enable');
    await send('Page.enable');
    await send('Network.enable');

    return {
      errors,
      send,
      evaluate,
      text,
      path,
      async waitFor(expression, what, timeoutMs = 15_000) {
        const end = Date.now() + timeoutMs;
        while (Date.now() < end) {
          if (await evaluate<boolean>(`Boolean(${expression})`).catch(() => false)) return;
          await sleep(100);
        }
        throw new Error(`timed out waiting for ${what} at ${await path().catch(() => '?')}:\n${await text().catch(() => '')}\n${errors.join('\n')}`);
      },
      async goto(url) {
        await navigated(() => send('Page.navigate', { url }));
      },
      async reload() {
        await navigated(() => send('Page.reload', { ignoreCache: true }));
      },
      async fill(selector, value) {
        await evaluate(`(() => {
          const el = document.querySelector(${JSON.stringify(selector)});
          if (!el) throw new Error('no element ' + ${JSON.stringify(selector)});
          el.value = ${JSON.stringify(value)};
          el.dispatchEvent(new Event('input', { bubbles: true }));
        })()`);
      },
      async click(selector) {
        await evaluate(`(() => {
          const el = document.querySelector(${JSON.stringify(selector)});
          if (!el) throw new Error('no element ' + ${JSON.stringify(selector)});
          el.click();
        })()`);
      },
      async close() {
        ws.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
