// The console's client islands, bundled by `npm run build` into worker/generated/console-islands.ts and served
// under hashed, immutable URLs from this origin (the console's CSP allows scripts from 'self' only).
import { consoleIslands } from '../generated/console-islands.ts';

export type IslandName = 'widget-preview' | 'policy-form' | 'sms-counter' | 'copy' | 'theme-preview' | 'passkey';

export const islandUrl = (name: IslandName) =>
  `/console/assets/${name}-${consoleIslands[name]?.sha256.slice(0, 16) ?? 'missing'}.js`;

/** The island behind a hashed file name, or null. */
export function islandFile(file: string): { code: string; sha256: string } | null {
  const match = /^([a-z-]+)-([0-9a-f]{16})\.js$/.exec(file);
  const island = match ? consoleIslands[match[1]!] : undefined;
  return island?.sha256.startsWith(match![2]!) ? island : null;
}
