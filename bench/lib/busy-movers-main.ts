/**
 * The busy-store bench's load generator, in a process of its own (forked by
 * busy-movers.ts): `movers` multipart uploads PUT parts back to back, so the
 * probes' clock runs in a process that does nothing else. Counts the bytes of
 * the PUTs the store answered between the parent's `window` and `stop`.
 */
import { setPriority } from 'node:os';
import { API_ROUTES, UPLOAD_TOKEN_HEADER } from '../../shared/api.js';
import type { CreateUploadResponse, SignPartsResponse } from '../../shared/api.js';
import { BenchApiError, describeError, md5Of, postJson, putPart } from './timed-upload.js';
import type { FromMovers, ToMovers, MoversOptions } from './busy-movers.js';

/** Mover part numbers cycle over this many parts (each re-PUT replaces the part), so the store's disk use stays bounded. */
const MOVER_PARTS = 2;

const send = (message: FromMovers) => process.send?.(message);

async function abort(baseUrl: string, token: string): Promise<void> {
  const response = await fetch(baseUrl + API_ROUTES.uploads, { method: 'DELETE', headers: { [UPLOAD_TOKEN_HEADER]: token } });
  await response.arrayBuffer();
  if (!response.ok) throw new BenchApiError(`abort answered ${response.status}`);
}

async function move(options: MoversOptions): Promise<void> {
  const { baseUrl, movers, partSize } = options;
  if (options.nice !== undefined) setPriority(options.nice);
  const body = new Uint8Array(partSize).map((_, i) => (i * 7919) % 251);
  const md5 = md5Of(body).toString('base64');
  const sessions = await Promise.all(
    Array.from({ length: movers }, async (_, index) => {
      const session = await postJson<CreateUploadResponse>(baseUrl + API_ROUTES.uploads, {
        fileName: `mover-${index}.bin`,
        size: partSize * 10,
        contentType: 'application/octet-stream',
      });
      if (session.partSize !== partSize) throw new BenchApiError(`the server plans ${session.partSize}-byte parts, the bench sends ${partSize}`);
      const parts = Array.from({ length: MOVER_PARTS }, (_, i) => ({ partNumber: i + 1, md5 }));
      const { parts: signed } = await postJson<SignPartsResponse>(baseUrl + API_ROUTES.sign, { parts }, session.token);
      return { token: session.token, signed };
    }),
  );

  let stopping = false;
  let stored = 0;
  let windowStarted: number | undefined;
  let windowBytes = 0;
  const errors: string[] = [];
  const cpuBefore = process.cpuUsage();
  const moving = sessions.map(async ({ signed }) => {
    for (let n = 0; !stopping; n += 1) {
      try {
        await putPart(signed[n % signed.length]!, body);
        stored += 1;
        if (stored === movers) send({ type: 'warm' });
        if (windowStarted !== undefined && !stopping) windowBytes += partSize;
      } catch (error) {
        errors.push(describeError(error));
      }
    }
  });
  send({ type: 'moving' });

  await new Promise<void>((resolve) => {
    process.on('message', (message: ToMovers) => {
      if (message.type === 'window') {
        windowStarted = performance.now();
        windowBytes = 0;
      } else if (message.type === 'stop') {
        resolve();
      }
    });
  });
  const seconds = windowStarted === undefined ? 0 : (performance.now() - windowStarted) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  stopping = true;
  await Promise.all(moving);
  await Promise.all(sessions.map(({ token }) => abort(baseUrl, token)));
  send({ type: 'stopped', megabytesPerSecond: seconds > 0 ? windowBytes / 1e6 / seconds : 0, cpuSeconds: (cpu.user + cpu.system) / 1e6, errors });
}

process.once('message', (message: ToMovers) => {
  if (message.type !== 'start') return;
  move(message.options).then(
    () => process.disconnect(),
    (error: unknown) => {
      send({ type: 'failed', message: describeError(error) });
      process.disconnect();
    },
  );
});
