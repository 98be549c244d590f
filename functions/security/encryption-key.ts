import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config';
import type { Logger } from '../log';

const KEY_FILE = 'token-encryption.key';

/**
 * Live mode takes the key from TOKEN_ENCRYPTION_KEY (config refuses to boot without it). Sandbox mode keeps a
 * generated key beside its data so a restart can still read its tokens, and says loudly that this is not for
 * production.
 */
export async function resolveEncryptionKey(config: Config, log: Logger): Promise<string> {
  if (config.tokenEncryptionKey !== undefined) return config.tokenEncryptionKey;
  const file = path.join(config.dataDir, KEY_FILE);
  log.warn({ file }, 'TOKEN_ENCRYPTION_KEY is not set: using a generated key kept in the data folder (sandbox only; set TOKEN_ENCRYPTION_KEY in production)');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(config.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64');
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}
