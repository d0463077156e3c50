// Where there is no filesystem (Workers without D1, Deno Deploy): the remote libSQL database of ASSENT_DB_URL over
// fetch, or null when the URL is unset or a file.
import type { Store } from '../db/client.ts';
import { libsqlWebStore } from '../db/libsql-web.ts';
import type { Env } from '../env.ts';

export function remoteStore(env: Pick<Env, 'ASSENT_DB_URL' | 'ASSENT_DB_AUTH_TOKEN'>): Store | null {
  if (!env.ASSENT_DB_URL || env.ASSENT_DB_URL.startsWith('file:')) return null;
  return libsqlWebStore({
    url: env.ASSENT_DB_URL,
    ...(env.ASSENT_DB_AUTH_TOKEN ? { authToken: env.ASSENT_DB_AUTH_TOKEN } : {}),
  });
}
