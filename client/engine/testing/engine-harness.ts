import type { ChecksumMode } from '../../../shared/api.js';
import { createUploader, type Uploader, type UploaderOptions } from '../uploader.js';
import { FakeApi } from './fake-api.js';
import { FakeClock } from './fake-clock.js';
import { FakeNetwork } from './fake-network.js';
import { FakeSignIn } from './fake-sign-in.js';
import { FakeTransport } from './fake-transport.js';
import { NodeMd5Hasher } from './node-md5-hasher.js';

/**
 * An uploader wired to scripted fakes: 10-byte parts, jitter-free delays unless
 * `random` is given, MD5s from node:crypto (checksum mode md5, as the server's default),
 * no idle cut unless `partIdleTimeoutMs` is given.
 */
export function createHarness(
  options: Partial<Omit<UploaderOptions, 'api' | 'transport' | 'clock' | 'network' | 'signIn'>> & { partSize?: number; online?: boolean; checksumMode?: ChecksumMode } = {},
) {
  const clock = new FakeClock();
  const api = new FakeApi(clock, options.partSize ?? 10);
  api.checksumMode = options.checksumMode ?? 'md5';
  const transport = new FakeTransport();
  const network = new FakeNetwork(options.online ?? true);
  const hasher = new NodeMd5Hasher();
  const signIn = new FakeSignIn();
  const uploader: Uploader = createUploader({
    api,
    transport,
    clock,
    network,
    hasher,
    signIn,
    ...(options.maxOpenUploads !== undefined && { maxOpenUploads: options.maxOpenUploads }),
    ...(options.maxSinglePutsUnderway !== undefined && { maxSinglePutsUnderway: options.maxSinglePutsUnderway }),
    concurrency: options.concurrency ?? 3,
    retryDelays: options.retryDelays ?? [100, 200, 400],
    random: options.random ?? (() => 0.5),
    partIdleTimeoutMs: options.partIdleTimeoutMs ?? 0,
    ...(options.singlePutMaxSize !== undefined && { singlePutMaxSize: options.singlePutMaxSize }),
    ...(options.quietPartMs !== undefined && { quietPartMs: options.quietPartMs }),
  });
  return { clock, api, transport, network, hasher, signIn, uploader };
}

/** Observes a promise's outcome without leaving a rejection unhandled. */
export function track<T>(promise: Promise<T>): { readonly state: 'pending' | 'resolved' | 'rejected'; readonly value: T | undefined; readonly error: unknown } {
  const outcome: { state: 'pending' | 'resolved' | 'rejected'; value: T | undefined; error: unknown } = { state: 'pending', value: undefined, error: undefined };
  promise.then(
    (value) => {
      outcome.state = 'resolved';
      outcome.value = value;
    },
    (error: unknown) => {
      outcome.state = 'rejected';
      outcome.error = error;
    },
  );
  return outcome;
}
