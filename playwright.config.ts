import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions, resolveChromium } from './testing/chromium.js';

// The SDK warns on every run that its 2027 releases need Node 22; this project runs on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// CHROMIUM_PATH, else Debian's /usr/bin/chromium, else the Chromium npm installed (testing/chromium.ts).
const launchOptions = chromiumLaunchOptions();
console.log(`e2e: ${resolveChromium().source}`);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
