import { existsSync } from 'node:fs';

/**
 * Reads settings from a `.env` file (as .env.example suggests) into
 * process.env. Variables already set in the environment win. ENV_FILE names
 * another file; ENV_FILE= (empty) reads none, as the tests' servers do.
 */
export function loadEnvFile(path = process.env.ENV_FILE ?? '.env'): boolean {
  if (path === '') return false;
  if (!existsSync(path)) return false;
  process.loadEnvFile(path);
  return true;
}
