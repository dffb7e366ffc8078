import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ephemeralPortFloor, freePort } from './free-port.js';

async function canListenOn(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false)).listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  return listening;
}

describe('freePort', () => {
  it('draws a port below the ephemeral range, which no outgoing connection can take', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort(32_768)));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(32_768);
      expect(await canListenOn(port)).toBe(true);
    }
  });

  it('falls back to a port the kernel picks when the range is unknown', async () => {
    const port = await freePort(null);
    expect(port).toBeGreaterThan(0);
    expect(await canListenOn(port)).toBe(true);
  });
});

describe('ephemeralPortFloor', () => {
  it('reads the first number of the kernel file, and null when it is missing or unreadable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'port-range-'));
    await writeFile(join(dir, 'range'), '32768\t60999\n');
    await writeFile(join(dir, 'bad'), 'not numbers\n');
    expect(ephemeralPortFloor(join(dir, 'range'))).toBe(32_768);
    expect(ephemeralPortFloor(join(dir, 'bad'))).toBeNull();
    expect(ephemeralPortFloor(join(dir, 'missing'))).toBeNull();
  });
});
