// Store over a remote libSQL/Turso database through the fetch-based client, for runtimes without native modules
// (Workers). Same repositories as the embedded store; only the transport differs.
import { createClient } from '@libsql/client/web';
import type { Store } from './client.ts';
import { libsqlStore } from './libsql.ts';

export function libsqlWebStore(options: { url: string; authToken?: string }): Store {
  const client = createClient({ url: options.url, ...(options.authToken ? { authToken: options.authToken } : {}) });
  return libsqlStore(client);
}
