/** Runs in the store's worker thread: starts the store, reports back, closes on request. */
import { parentPort, workerData } from 'node:worker_threads';
import { startLocalS3 } from './index.js';
import type { FromWorker, ToWorker, WorkerData } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker-main.ts runs only as a worker thread (see startLocalS3InWorker)');
const post = (message: FromWorker) => port.postMessage(message);
const { options } = workerData as WorkerData;

try {
  const store = await startLocalS3({
    ...options,
    onInternalError: (error) =>
      post({ type: 'internal-error', message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined }),
  });
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'close') return;
    void store.close().finally(() => {
      post({ type: 'closed' });
      port.close();
    });
  });
  const { endpoint, region, accessKeyId, secretAccessKey, bucket } = store;
  post({ type: 'ready', endpoint, region, accessKeyId, secretAccessKey, bucket });
} catch (error) {
  const code = (error as { code?: unknown } | null)?.code;
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : undefined });
  port.close();
}
