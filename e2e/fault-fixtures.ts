/**
 * Fixtures for fault tests: the app with a fault proxy before the store and
 * one before the API (see testing/faulty-app.ts). Open `faulty.pageUrl`, not
 * `faulty.app.url`; `bucket` reads the store directly, past the faults.
 */
import { test as base } from '@playwright/test';
import { openBucket } from '../testing/bucket.js';
import { inputFilePickerContext } from './fixtures.js';
import type { BucketView } from '../testing/bucket.js';
import { startFaultyApp } from '../testing/faulty-app.js';
import type { FaultyApp } from '../testing/faulty-app.js';

interface FaultFixtures {
  /** Extra environment for the server; override with test.use({ serverEnv: { ... } }). */
  serverEnv: Record<string, string>;
  faulty: FaultyApp;
  bucket: BucketView;
}

export const test = base.extend<FaultFixtures>({
  context: inputFilePickerContext,
  serverEnv: [{}, { option: true }],
  faulty: async ({ serverEnv }, use) => {
    const faulty = await startFaultyApp(serverEnv);
    await use(faulty);
    await faulty.stop();
  },
  bucket: async ({ faulty }, use) => {
    const bucket = openBucket(faulty.app);
    await use(bucket);
    bucket.close();
  },
});

export { expect } from '@playwright/test';
