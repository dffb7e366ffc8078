/**
 * The app with fault proxies in both data paths, for fault tests: the browser
 * loads the app (and calls the API) through `apiProxy`, and the app's
 * S3_ENDPOINT is `storeProxy`, so presigned part URLs, and the server's own
 * calls to the store, pass through it. The embedded store runs in this process
 * (or an external store such as Ceph RGW is used); `app.s3` names the store
 * directly, so a BucketView sees the truth past the faults.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalS3 } from '@s3-big-upload/local-s3';
import type { LocalS3 } from '@s3-big-upload/local-s3';
import { startAppServer } from './app-server.js';
import type { AppServer, ExternalStore } from './app-server.js';
import { startFaultProxy } from './fault-proxy.js';
import type { FaultProxy } from './fault-proxy.js';

export interface FaultyApp {
  /** The app server; `app.url` bypasses the API proxy, `app.s3` bypasses the store proxy. */
  app: AppServer;
  /** Where the browser opens the app: through `apiProxy`. */
  pageUrl: string;
  apiProxy: FaultProxy;
  storeProxy: FaultProxy;
  stop(): Promise<void>;
}

export interface FaultyAppOptions {
  /** An external store (e.g. Ceph RGW) instead of the embedded one; its CORS must allow any origin or the page's. */
  store?: ExternalStore;
  /** Seed for both proxies' random faults. */
  seed?: number;
}

export async function startFaultyApp(extraEnv: Record<string, string> = {}, options: FaultyAppOptions = {}): Promise<FaultyApp> {
  let local: LocalS3 | undefined;
  let dataDir: string | undefined;
  const proxies: FaultProxy[] = [];
  try {
    let store = options.store;
    if (store === undefined) {
      dataDir = await mkdtemp(join(tmpdir(), 'e2e-faulty-s3-'));
      // Any origin: the page's origin is the API proxy's, known only once it listens.
      local = await startLocalS3({ dataDir, corsOrigins: ['*'] });
      store = { endpoint: local.endpoint, region: local.region, accessKeyId: local.accessKeyId, secretAccessKey: local.secretAccessKey, bucket: local.bucket };
    }
    const storeProxy = await startFaultProxy({ upstream: store.endpoint, ...(options.seed !== undefined && { seed: options.seed }) });
    proxies.push(storeProxy);
    const apiProxy = await startFaultProxy({ ...(options.seed !== undefined && { seed: options.seed + 1 }) });
    proxies.push(apiProxy);
    const app = await startAppServer(
      { PUBLIC_ORIGIN: apiProxy.url, ...extraEnv },
      { store: { ...store, endpoint: storeProxy.url } },
    );
    apiProxy.setUpstream(app.url);
    const direct = { ...app.s3, endpoint: store.endpoint };
    const ownedLocal = local;
    const ownedDir = dataDir;
    return {
      app: { ...app, s3: direct },
      pageUrl: apiProxy.url,
      apiProxy,
      storeProxy,
      async stop() {
        await app.stop();
        await Promise.all(proxies.map((proxy) => proxy.close()));
        await ownedLocal?.close();
        if (ownedDir !== undefined) await rm(ownedDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await local?.close();
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}
