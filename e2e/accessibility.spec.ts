/**
 * axe (WCAG 2.1 A and AA rules) on the real page in every state a card can be
 * in: queued, uploading, paused, cancelled, retrying, failed, done. Faults come
 * from page.route on the part PUTs: network failures (retried) and a 403 the
 * store would send for a bad signature (not retried, so the upload fails).
 */
import { basename } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page, Route } from '@playwright/test';
import { chooseFile, expect, expectStoredIntact, fileCard, test, throttleUpload } from './fixtures.js';
import { sha256OfFile, testFile } from '../testing/test-file.js';

const MiB = 1024 * 1024;
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.map((violation) => ({
    rule: violation.id,
    help: violation.help,
    nodes: violation.nodes.map((node) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`),
  }));
  expect(found, `axe violations with a card ${state}`).toEqual([]);
}

const isPartPut = (route: Route) => route.request().method() === 'PUT';

// One connection, so a second file waits in the queue while the first uploads.
test.use({ serverEnv: { CONCURRENCY: '1' } });

test('every state a card can be in has no axe violations (WCAG 2.1 AA)', async ({ page, app, bucket }) => {
  const first = await testFile(20 * MiB);
  const second = await testFile(9 * MiB);
  await page.goto(app.url);
  await expectNoAxeViolations(page, 'list empty');

  const cdp = await throttleUpload(page, 2 * MiB);
  await chooseFile(page, first);
  const firstCard = fileCard(page, basename(first));
  await expect(firstCard).toHaveAttribute('data-status', 'uploading');
  await chooseFile(page, second);
  const secondCard = fileCard(page, basename(second));
  await expect(secondCard).toBeVisible();
  await expect(secondCard.getByRole('progressbar', { name: /^Part \d+ of \d+$/ })).toHaveCount(0); // nothing of it started yet
  await expect(firstCard.locator('[role="progressbar"][data-state="uploading"]')).toHaveCount(1);
  await expectNoAxeViolations(page, 'uploading, and one queued');

  await firstCard.getByRole('button', { name: 'Pause' }).click();
  await expect(firstCard).toHaveAttribute('data-status', 'paused');
  await expectNoAxeViolations(page, 'paused');

  await secondCard.getByRole('button', { name: 'Cancel' }).click();
  await expect(secondCard).toHaveAttribute('data-status', 'cancelled');
  await expectNoAxeViolations(page, 'cancelled');

  // Every part PUT fails on the network: the part waits to be retried.
  await page.route(`${app.s3.endpoint}/**`, (route) => (isPartPut(route) ? route.abort('connectionreset') : route.fallback()));
  await firstCard.getByRole('button', { name: 'Resume' }).click();
  await expect(firstCard.locator('[role="progressbar"][data-state="retrying"]').first()).toBeVisible();
  await expectNoAxeViolations(page, 'retrying');

  // The store refuses the signature: not worth retrying, the upload fails.
  await page.unroute(`${app.s3.endpoint}/**`);
  await page.route(`${app.s3.endpoint}/**`, (route) =>
    isPartPut(route)
      ? route.fulfill({
          status: 403,
          headers: { 'access-control-allow-origin': app.url, 'access-control-expose-headers': 'ETag', 'content-type': 'application/xml' },
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code><Message>The signature does not match.</Message></Error>',
        })
      : route.fallback(),
  );
  await expect(firstCard).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(firstCard.getByRole('alert')).toBeVisible();
  await expectNoAxeViolations(page, 'failed');

  await page.unroute(`${app.s3.endpoint}/**`);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await firstCard.getByRole('button', { name: 'Retry' }).click();
  await expectStoredIntact(page, bucket, basename(first), await sha256OfFile(first));
  await expectNoAxeViolations(page, 'done');
});
