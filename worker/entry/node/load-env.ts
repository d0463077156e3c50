// Node and Deno: the environment parsed, the data dir made, and in dev mode the secrets it lacks generated once into
// <data dir>/dev-secrets.json and reused on every start (npm run start:workers hands the same ones to the worker).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { toBase64 } from '../../crypto/encoding.ts';
import { generateCosignerKey } from '../../crypto/cosignature.ts';
import { generateSigningKey } from '../../crypto/signing.ts';
import { EnvError, parseEnv, type Env } from '../../env.ts';

interface DevSecrets {
  masterKey: string;
  adminToken: string;
  signingKey: string;
  /** The witness key (added to an older file on the next start). */
  witnessKey?: string;
}

/**
 * Makes the data dir and the parents it lacks, one at a time from the nearest that exists: `mkdirSync`'s recursive
 * mode never returns under a file system that refuses directories without saying the parent is missing (`/proc`).
 * A dir that cannot be made is an EnvError naming ASSENT_DATA_DIR and why.
 */
export function makeDataDir(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) {
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code === 'EEXIST') continue;
      throw new EnvError(
        `ASSENT_DATA_DIR ${dir} cannot be made (${code ?? message} at ${path}): choose a directory this user may write.`,
      );
    }
  }
}

async function devSecrets(dir: string): Promise<DevSecrets> {
  const file = join(dir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevSecrets;
  const secrets: DevSecrets = {
    masterKey: toBase64(crypto.getRandomValues(new Uint8Array(32))),
    adminToken: `dev-admin-${toBase64(crypto.getRandomValues(new Uint8Array(24))).replace(/[+/=]/g, '')}`,
    signingKey: JSON.stringify(await generateSigningKey()),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export async function loadEnv(raw: Record<string, string | undefined>): Promise<Env> {
  const env = parseEnv(raw);
  const dir = resolve(env.ASSENT_DATA_DIR);
  makeDataDir(dir);
  if (env.ASSENT_MODE === 'dev') {
    const secrets = await devSecrets(dir);
    env.ASSENT_MASTER_KEY ??= secrets.masterKey;
    env.ASSENT_ADMIN_TOKEN ??= secrets.adminToken;
    env.ASSENT_SIGNING_KEY ??= secrets.signingKey;
    env.ASSENT_PUBLIC_URL ??= `http://localhost:${env.PORT}`;
    if (!env.ASSENT_WITNESS_KEY) {
      if (!secrets.witnessKey) {
        secrets.witnessKey = (await generateCosignerKey(`${new URL(env.ASSENT_PUBLIC_URL).host}/witness`)).signerKey;
        writeFileSync(join(dir, 'dev-secrets.json'), JSON.stringify(secrets, null, 2), { mode: 0o600 });
      }
      env.ASSENT_WITNESS_KEY = secrets.witnessKey;
    }
  }
  return env;
}
