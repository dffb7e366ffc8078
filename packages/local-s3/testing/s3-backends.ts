/**
 * The S3-compatible stores every server test runs against:
 *
 *   const backends = await startBackends();
 *   afterAll(() => Promise.all(backends.map((b) => b.close())));
 *   describe.each(backends)('$name', (backend) => { ... });
 *
 * 'local' (the embedded store) always; 'rgw' when `scripts/rgw.sh up` has run.
 * With REQUIRE_RGW=1 (CI) a missing connection file is an error, not a skip.
 * A connection file whose RGW does not answer is always an error: run
 * `scripts/rgw.sh up` (or `down` to clear a stale one).
 */
import { startLocalBackend } from './local-backend.js';
import { RgwUnavailableError, readRgwConnection, startRgwBackend } from './rgw-backend.js';
import type { S3Backend } from './s3-backend.js';

export type { S3Backend, S3BackendQuirks } from './s3-backend.js';

export interface StartBackendsOptions {
  /** Origins the bucket's CORS rule allows (methods GET PUT HEAD POST DELETE, any header, ETag exposed). Default ['*']. */
  corsOrigins?: string[];
}

export async function startBackends(options: StartBackendsOptions = {}): Promise<S3Backend[]> {
  const connection = readRgwConnection();
  if (connection === undefined && process.env.REQUIRE_RGW === '1') {
    throw new RgwUnavailableError('REQUIRE_RGW=1 but .data/rgw/connection.json is missing; run scripts/rgw.sh up');
  }
  const local = await startLocalBackend(options.corsOrigins);
  if (connection === undefined) return [local];
  try {
    return [local, await startRgwBackend(connection, options.corsOrigins)];
  } catch (error) {
    await local.close();
    throw error;
  }
}

export { startLocalBackend } from './local-backend.js';
export { RGW_CONNECTION_FILE, RgwUnavailableError, readRgwConnection, startRgwBackend } from './rgw-backend.js';
export { createTestClient } from './test-client.js';
export { parseResponses, rawExchange } from './raw-http.js';
export type { RawExchange, RawOptions, RawResponse } from './raw-http.js';
export { sendSigned, signRequest } from './signed-request.js';
export type { RequestToSign, SignedRequest, SigningIdentity } from './signed-request.js';
