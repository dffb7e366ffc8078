/**
 * The benchmark's bucket on the Ceph RGW of `scripts/rgw.sh up`, when it is up:
 * a fresh bucket whose CORS lets any origin PUT and read ETag (the app's port is
 * chosen later, and the server's startup check accepts '*'), removed with
 * everything in it when the scope closes.
 */
import type { ExternalStore } from '../../testing/app-server.js';
import { RgwUnavailableError, readRgwConnection, RGW_CONNECTION_FILE, startRgwBackend } from '@s3-big-upload/local-s3/testing';
import type { CleanupScope } from './cleanup.js';

export type RgwBenchStore = { up: true; store: ExternalStore } | { up: false; reason: string };

export async function openRgwBenchStore(scope: CleanupScope): Promise<RgwBenchStore> {
  const connection = readRgwConnection();
  if (connection === undefined) return { up: false, reason: `no ${RGW_CONNECTION_FILE} (bash scripts/rgw.sh up writes it)` };
  try {
    const backend = scope.add(await startRgwBackend(connection, ['*']), (b) => b.close());
    const { endpoint, region, accessKeyId, secretAccessKey, bucket } = backend;
    return { up: true, store: { endpoint, region, accessKeyId, secretAccessKey, bucket } };
  } catch (error) {
    // A stale connection file (RGW stopped without `down`) means RGW is not up; anything else is a bug.
    if (error instanceof RgwUnavailableError) return { up: false, reason: error.message };
    throw error;
  }
}
