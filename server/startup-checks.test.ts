import { describe, expect, it } from 'vitest';
import { corsAllowsUploads, requiredCorsConfiguration } from './startup-checks.js';

const ORIGIN = 'https://app.example.com';

describe('corsAllowsUploads', () => {
  it('accepts the configuration it recommends', () => {
    expect(corsAllowsUploads(requiredCorsConfiguration(ORIGIN).CORSRules, ORIGIN)).toBe(true);
  });

  it.each([
    ['a wildcard origin', { AllowedOrigins: ['*'], AllowedMethods: ['PUT'], ExposeHeaders: ['etag'] }, true],
    ['a subdomain wildcard', { AllowedOrigins: ['https://*.example.com'], AllowedMethods: ['put'], ExposeHeaders: ['ETag'] }, true],
    ['another origin', { AllowedOrigins: ['https://other.example.com'], AllowedMethods: ['PUT'], ExposeHeaders: ['ETag'] }, false],
    ['no PUT', { AllowedOrigins: [ORIGIN], AllowedMethods: ['GET'], ExposeHeaders: ['ETag'] }, false],
    ['ETag not exposed', { AllowedOrigins: [ORIGIN], AllowedMethods: ['PUT'] }, false],
  ])('%s -> %s', (_name, rule, expected) => {
    expect(corsAllowsUploads([rule], ORIGIN)).toBe(expected);
  });
});
