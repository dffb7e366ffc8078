import { describe, expect, it } from 'vitest';
import { closeAllScopes, CleanupScope, withCleanup } from './cleanup.js';

describe('cleanup', () => {
  it('stops resources last started first, also when the body throws', async () => {
    const stopped: string[] = [];
    await expect(
      withCleanup(async (scope) => {
        scope.add('server', (name) => void stopped.push(name));
        scope.add('browser', (name) => void stopped.push(name));
        throw new Error('case failed');
      }),
    ).rejects.toThrow('case failed');
    expect(stopped).toEqual(['browser', 'server']);
  });

  it('runs every stop even when one fails, then reports the failure', async () => {
    const stopped: string[] = [];
    const scope = new CleanupScope();
    scope.add('a', () => void stopped.push('a'));
    scope.add('b', () => {
      throw new Error('b would not stop');
    });
    await expect(scope.close()).rejects.toThrow(AggregateError);
    expect(stopped).toEqual(['a']);
  });

  it('closes scopes still open when the runner is interrupted, once', async () => {
    let stops = 0;
    const scope = new CleanupScope();
    scope.add(null, () => void (stops += 1));
    await closeAllScopes();
    await scope.close();
    expect(stops).toBe(1);
  });
});
