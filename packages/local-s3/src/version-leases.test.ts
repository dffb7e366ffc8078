import { describe, expect, it } from 'vitest';
import { VersionLeases } from './version-leases.js';

describe('VersionLeases', () => {
  it('removes a retired version at once when nobody reads it', async () => {
    const leases = new VersionLeases();
    const removed: string[] = [];
    await leases.retire({}, async () => void removed.push('v1'));
    expect(removed).toEqual(['v1']);
  });

  it('waits for the last reader, once, even if a reader releases twice', async () => {
    const leases = new VersionLeases();
    const version = {};
    const removed: string[] = [];
    const first = leases.acquire(version);
    const second = leases.acquire(version);
    await leases.retire(version, async () => void removed.push('v1'));
    await first();
    await first();
    expect(removed).toEqual([]);
    await second();
    expect(removed).toEqual(['v1']);
    expect(leases.size).toBe(0);
  });

  it('a reader of a version never retired removes nothing', async () => {
    const leases = new VersionLeases();
    const release = leases.acquire({});
    await release();
    expect(leases.size).toBe(0);
  });
});
