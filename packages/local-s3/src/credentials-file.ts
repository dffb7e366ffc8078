/**
 * The store's access key and secret: random, made on first start and kept in
 * `<dataDir>/credentials.json` (mode 0600), so nothing can sign requests with
 * a key published in a README, and presigned URLs survive a restart.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './json-file.js';

export const CREDENTIALS_FILE = 'credentials.json';

const Credentials = z.object({
  accessKeyId: z.string().regex(/^[A-Z0-9]{20}$/),
  secretAccessKey: z.string().regex(/^[A-Za-z0-9+/]{40}$/),
});
export type LocalS3Credentials = z.infer<typeof Credentials>;

/** AWS-shaped: a 20-character upper-case key id and a 40-character secret. */
function makeCredentials(): LocalS3Credentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const accessKeyId = `LS3${[...randomBytes(17)].map((b) => alphabet[b % 32]).join('')}`;
  const secretAccessKey = randomBytes(30).toString('base64');
  return { accessKeyId, secretAccessKey };
}

/** The credentials kept in dataDir, or undefined when there are none (yet). */
export async function readLocalS3Credentials(dataDir: string): Promise<LocalS3Credentials | undefined> {
  try {
    const parsed = Credentials.safeParse(JSON.parse(await readFile(join(dataDir, CREDENTIALS_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export async function loadOrCreateCredentials(dataDir: string): Promise<LocalS3Credentials> {
  const existing = await readLocalS3Credentials(dataDir);
  if (existing) return existing;
  const created = makeCredentials();
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, CREDENTIALS_FILE);
  await writeJsonAtomic(path, created, 0o600);
  return created;
}
