// Entry of the store's worker thread. Workers do not inherit the parent's
// loader hooks, so TypeScript support is registered here before the real entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
