import { describe, expect, it } from 'vitest';
import { redactTokenParams } from './app.js';

describe('redactTokenParams', () => {
  it('hides token values in logged URLs', () => {
    expect(redactTokenParams('/api/uploads/parts?token=abc.def&x=1&uploadToken=zz')).toBe('/api/uploads/parts?token=[redacted]&x=1&uploadToken=[redacted]');
    expect(redactTokenParams('/api/uploads')).toBe('/api/uploads');
  });
});
