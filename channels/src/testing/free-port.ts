import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The kernel's ephemeral port range: what a listen(0) anywhere on the machine may be given. */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high && low > 11_000) return [low, high];
  } catch {
    /* not Linux: the IANA range */
  }
  return [49_152, 65_535];
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

/**
 * A TCP port nobody listens on, for a process that binds it a moment later (Dovecot, a spawned server, an SMTP
 * endpoint). Picked at random *below* the kernel's ephemeral range: every other server and fake of the test run
 * listens on port 0, and the kernel hands those only ephemeral ports, so none of them can be given this port
 * between this check and the real bind (a port from listen(0) could be handed out again at once, and a server
 * that then failed to bind looked ready to a health check answered by somebody else's server).
 */
export async function freePort(): Promise<number> {
  const [low] = ephemeralRange();
  const from = 10_000;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = from + Math.floor(Math.random() * (low - from));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${from} and ${low}`);
}
