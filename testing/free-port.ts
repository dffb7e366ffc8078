import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Where random listening ports are drawn from when the kernel's ephemeral range is known: below it. */
const LOWEST_PORT = 10_000;
const ATTEMPTS = 100;

/**
 * A port that was free a moment ago; for processes that must be told their port up front.
 *
 * Drawn below the kernel's ephemeral range where that range is known: a port from the range (listen(0)) can be
 * taken by any outgoing connection between this check and the child's bind (seen as EADDRINUSE in e2e), and a
 * server restarted on the same port can lose it the same way.
 */
export async function freePort(ephemeralLow: number | null = ephemeralPortFloor()): Promise<number> {
  if (ephemeralLow === null || ephemeralLow <= LOWEST_PORT + 1) return listenOn(0);
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const candidate = LOWEST_PORT + Math.floor(Math.random() * (ephemeralLow - LOWEST_PORT));
    try {
      return await listenOn(candidate);
    } catch {
      // in use: draw again
    }
  }
  return listenOn(0);
}

/** The lowest local port the kernel gives outgoing connections (Linux), or null where it cannot be read. */
export function ephemeralPortFloor(path = '/proc/sys/net/ipv4/ip_local_port_range'): number | null {
  try {
    const low = Number(readFileSync(path, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 0 ? low : null;
  } catch {
    return null;
  }
}

async function listenOn(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}
