/** The shape every S3 operation handler has, and what it may use. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PayloadMode } from './authenticate.js';
import type { BodyWriterPool } from './body-writer-pool.js';
import type { DiskStore } from './disk-store.js';
import type { RequestTarget } from './request-target.js';

export interface StoreContext {
  store: DiskStore;
  now: () => Date;
  region: string;
  /** Canonical user id shown as Owner/Initiator in listings. */
  ownerId: string;
  /** Where request bodies are written and hashed, off the store's thread. */
  bodyWriters: BodyWriterPool;
}

export interface S3Call {
  req: IncomingMessage;
  res: ServerResponse;
  target: RequestTarget;
  payload: PayloadMode;
  /** Lower-case names of the signed headers: the only request headers kept with an object. */
  signedHeaders: ReadonlySet<string>;
}

export type Operation = (call: S3Call, ctx: StoreContext) => Promise<void>;
