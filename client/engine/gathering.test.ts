import { describe, expect, it } from 'vitest';
import { Gathering } from './gathering.js';
import { track } from './testing/engine-harness.js';
import { FakeClock } from './testing/fake-clock.js';
import { flush } from './testing/flush.js';

function gathering(options: { full?: number; maxWaitMs?: number } = {}) {
  const clock = new FakeClock();
  let coming = 0;
  const group = new Gathering({ full: options.full ?? 3, othersComing: () => coming > 0, clock, maxWaitMs: options.maxWaitMs ?? 1000 });
  return { clock, group, setComing: (n: number) => (coming = n) };
}

describe('Gathering', () => {
  it('lets a lone member go at once when no one else is coming', async () => {
    const { group } = gathering();
    const one = track(group.wait());
    await flush();
    expect(one.state).toBe('resolved');
  });

  it('holds members while others are coming, and lets them all go together when the last arrives', async () => {
    const { group, setComing } = gathering({ full: 10 });
    setComing(2);
    const a = track(group.wait());
    setComing(1);
    const b = track(group.wait());
    await flush();
    expect([a.state, b.state]).toEqual(['pending', 'pending']);
    setComing(0);
    const c = track(group.wait());
    await flush();
    expect([a.state, b.state, c.state]).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('goes once full, and on check() when the others stop coming', async () => {
    const { group, setComing } = gathering({ full: 2 });
    setComing(5);
    const full = [track(group.wait()), track(group.wait())];
    const next = track(group.wait());
    await flush();
    expect(full.map((m) => m.state)).toEqual(['resolved', 'resolved']);
    expect(next.state).toBe('pending');
    setComing(0);
    group.check();
    await flush();
    expect(next.state).toBe('resolved');
  });

  it('waits at most maxWaitMs from its first member', async () => {
    const { group, clock, setComing } = gathering({ maxWaitMs: 500 });
    setComing(1);
    const first = track(group.wait());
    await clock.advance(300);
    const second = track(group.wait());
    await clock.advance(199);
    expect([first.state, second.state]).toEqual(['pending', 'pending']);
    await clock.advance(1);
    await flush();
    expect([first.state, second.state]).toEqual(['resolved', 'resolved']);
    // The next group has its own wait.
    const third = track(group.wait());
    await clock.advance(499);
    expect(third.state).toBe('pending');
    await clock.advance(1);
    await flush();
    expect(third.state).toBe('resolved');
  });

  it('an aborted member leaves with its reason; the others stay', async () => {
    const { group, setComing } = gathering();
    setComing(1);
    const controller = new AbortController();
    const leaving = track(group.wait(controller.signal));
    const staying = track(group.wait());
    const reason = new Error('cancelled');
    controller.abort(reason);
    await flush();
    expect(leaving.error).toBe(reason);
    expect(staying.state).toBe('pending');
    expect(group.waiting).toBe(1);
    setComing(0);
    group.check();
    await flush();
    expect(staying.state).toBe('resolved');
  });
});
