/** Serves a built directory on 127.0.0.1 at a random port, for pages that need no API (the UI bench page). */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

export async function serveStatic(dir: string): Promise<StaticSite> {
  if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir} has no index.html: build it first (npm run bench builds it unless --no-build)`);
  const app = express();
  app.use(express.static(dir));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
