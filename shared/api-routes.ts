/**
 * The API's paths, apart from its schemas (api.ts re-exports them): the page's
 * first script fetches the config without loading zod and the schemas.
 */

/** Every API route lives under this prefix. */
export const API_PREFIX = '/api';

export const API_ROUTES = {
  config: `${API_PREFIX}/config`, // GET
  uploads: `${API_PREFIX}/uploads`, // POST create, DELETE abort
  sign: `${API_PREFIX}/uploads/sign`, // POST
  parts: `${API_PREFIX}/uploads/parts`, // GET
  complete: `${API_PREFIX}/uploads/complete`, // POST
  batch: `${API_PREFIX}/uploads/batch`, // POST: create single-PUT uploads of small files, signed
  completeBatch: `${API_PREFIX}/uploads/batch/complete`, // POST: complete stored single-PUT uploads, each by its own token
} as const;
