import { describe, expect, it } from 'vitest';
import { createHealthCheck } from './health-check.js';

function setup(ttlMs = 5000) {
  let now = 0;
  let calls = 0;
  let fail = false;
  let release: (() => void) | undefined;
  let hold = false;
  const check = createHealthCheck({
    clock: { now: () => now },
    ttlMs,
    check: () => {
      calls++;
      if (hold) return new Promise<void>((resolve) => (release = resolve));
      return fail ? Promise.reject(new Error('down')) : Promise.resolve();
    },
  });
  return {
    check,
    calls: () => calls,
    advance: (ms: number) => void (now += ms),
    setFail: (value: boolean) => void (fail = value),
    setHold: (value: boolean) => void (hold = value),
    release: () => release?.(),
  };
}

describe('createHealthCheck', () => {
  it('asks the store once per ttl, however often it is called', async () => {
    const h = setup();
    for (let i = 0; i < 100; i++) expect(await h.check.healthy()).toBe(true);
    expect(h.calls()).toBe(1);
    h.advance(4999);
    await h.check.healthy();
    expect(h.calls()).toBe(1);
    h.advance(1);
    await h.check.healthy();
    expect(h.calls()).toBe(2);
  });

  it('concurrent callers share one check', async () => {
    const h = setup();
    h.setHold(true);
    const answers = Promise.all(Array.from({ length: 50 }, () => h.check.healthy()));
    h.release();
    expect(await answers).toEqual(Array(50).fill(true));
    expect(h.calls()).toBe(1);
  });

  it('caches a failure for the ttl too, then asks again', async () => {
    const h = setup(1000);
    h.setFail(true);
    expect(await h.check.healthy()).toBe(false);
    expect(await h.check.healthy()).toBe(false);
    expect(h.calls()).toBe(1);
    h.setFail(false);
    h.advance(1000);
    expect(await h.check.healthy()).toBe(true);
  });
});
