import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError } from './errors.js';
import { memoryAbortStorage, PendingAborts } from './pending-aborts.js';
import { FakeApi } from './testing/fake-api.js';
import { FakeClock } from './testing/fake-clock.js';
import { FakeNetwork } from './testing/fake-network.js';
import { track } from './testing/engine-harness.js';

function setup() {
  const clock = new FakeClock();
  const api = new FakeApi(clock);
  const network = new FakeNetwork(true);
  const storage = memoryAbortStorage();
  const make = () => new PendingAborts({ api, clock, network, storage, random: () => 0.5, delays: [100, 1000] });
  return { clock, api, network, storage, make };
}

describe('PendingAborts', () => {
  it('keeps an abort that cannot get through, retries it (the last delay repeating) and forgets it once done', async () => {
    const { clock, api, storage, make } = setup();
    const session = await api.create({ fileName: 'a.bin', size: 10 });
    for (let i = 0; i < 5; i += 1) api.fail('abort', new NetworkError('server down'));
    const done = track(make().abort(session));
    await clock.advance(0);
    expect(storage.load().map((s) => s.uploadId)).toEqual([session.uploadId]);
    await clock.advance(100 + 1000 * 3);
    expect(api.callsOf('abort')).toHaveLength(5);
    expect(done.state).toBe('pending');
    await clock.advance(1000);
    expect(done.state).toBe('resolved');
    expect(api.callsOf('abort')).toHaveLength(6);
    expect(storage.load()).toEqual([]);
  });

  it('survives a reload: a new instance on the same storage resumes the abort', async () => {
    const { clock, api, storage, make } = setup();
    const session = await api.create({ fileName: 'a.bin', size: 10 });
    api.fail('abort', new ApiError(503, 'storage_unavailable', 'store down'));
    api.fail('abort', new ApiError(503, 'storage_unavailable', 'store down'));
    track(make().abort(session)); // the page is closed while this waits
    await clock.advance(0);
    expect(storage.load()).toHaveLength(1);
    make().resume(); // the next page load
    await clock.advance(100);
    expect(api.callsOf('abort').length).toBeGreaterThanOrEqual(3);
    await clock.advance(2000);
    expect(storage.load()).toEqual([]);
  });

  it('drops an abort refused for good (4xx) or whose token expired, and waits for the network while offline', async () => {
    const { clock, api, network, storage, make } = setup();
    const refused = await api.create({ fileName: 'r.bin', size: 10 });
    api.fail('abort', new ApiError(401, 'token_expired', 'expired'));
    const first = track(make().abort(refused));
    await clock.advance(0);
    expect(first.state).toBe('rejected');
    expect(storage.load()).toEqual([]);

    const expired = { ...(await api.create({ fileName: 'e.bin', size: 10 })), expiresAt: clock.now() + 500 };
    api.fail('abort', new NetworkError('down'));
    api.fail('abort', new NetworkError('down')); // tried at 0 and 100 ms; at 1100 ms the token has expired
    const second = track(make().abort(expired));
    await clock.advance(1100);
    expect(second.state).toBe('rejected');
    expect(api.callsOf('abort')).toHaveLength(3);
    expect(storage.load()).toEqual([]);

    network.setOnline(false);
    const session = await api.create({ fileName: 'o.bin', size: 10 });
    const calls = api.callsOf('abort').length;
    const third = track(make().abort(session));
    await clock.advance(60_000);
    expect(api.callsOf('abort')).toHaveLength(calls);
    network.setOnline(true);
    await clock.advance(0);
    expect(third.state).toBe('resolved');
  });
});
