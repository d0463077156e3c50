// A site's provider and webhook secrets: write-only over the API (GET shows them redacted) and sealed under the
// master key at rest, so neither the database file, its WAL nor a backup holds them in clear.
import type { Sealer } from '../../crypto/sealing.ts';

export const REDACTED = '••••••';

/** Every secret a configuration can hold, as [object path, key]. */
export const SECRET_PATHS: readonly (readonly [readonly string[], string])[] = [
  [['sms'], 'authToken'],
  [['sms'], 'secret'],
  [['sms'], 'apiKey'],
  [['sms'], 'apiSecret'],
  [['sms'], 'signatureSecret'],
  [['sms'], 'apiToken'],
  [['sms'], 'applicationSecret'],
  [['sms'], 'consumerKey'],
  [['sms'], 'webhookToken'],
  [[], 'inboundSecret'],
  [['challenge'], 'secret'],
];

/** Where the sealed secrets sit in the stored JSON: a key no configuration may have (the schema is strict). */
const SEALED = '$sealed';
/** Sealed secrets are bound to their site: a box copied to another site's row does not open. */
const subjectOf = (siteId: string) => `site-secrets:${siteId}`;

function holderOf(obj: unknown, path: readonly string[]): Record<string, unknown> | null {
  let at = obj;
  for (const key of path) at = at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at && typeof at === 'object' ? (at as Record<string, unknown>) : null;
}

const dotted = (path: readonly string[], key: string) => [...path, key].join('.');

/** Secrets are write-only: GET shows them redacted. */
export function redactConfig<T>(cfg: T): T {
  const copy = structuredClone(cfg);
  for (const [path, key] of SECRET_PATHS) {
    const holder = holderOf(copy, path);
    if (holder && typeof holder[key] === 'string') holder[key] = REDACTED;
  }
  return copy;
}

/** A PUT that sends the redacted value back keeps the stored secret. */
export function keepRedactedSecrets(incoming: unknown, stored: unknown): unknown {
  if (!incoming || typeof incoming !== 'object') return incoming;
  const copy = structuredClone(incoming);
  for (const [path, key] of SECRET_PATHS) {
    const holder = holderOf(copy, path);
    const before = holderOf(stored, path);
    if (holder && holder[key] === REDACTED && before && typeof before[key] === 'string') holder[key] = before[key];
  }
  return copy;
}

/**
 * The stored form of a configuration: its JSON with every secret taken out and put, as one JSON map, in a box
 * sealed with a fresh key wrapped by the master key (the sealer that protects phone numbers).
 */
export async function sealConfig(sealer: Sealer, siteId: string, config: unknown): Promise<string> {
  const copy = structuredClone(config) as Record<string, unknown>;
  const secrets: Record<string, string> = {};
  for (const [path, key] of SECRET_PATHS) {
    const holder = holderOf(copy, path);
    if (holder && typeof holder[key] === 'string') {
      secrets[dotted(path, key)] = holder[key];
      delete holder[key];
    }
  }
  if (Object.keys(secrets).length === 0) return JSON.stringify(copy);
  const subject = subjectOf(siteId);
  const {
    wrappedKey: key,
    sealed: [box],
  } = await sealer.newSubject(subject, [JSON.stringify(secrets)]);
  return JSON.stringify({ ...copy, [SEALED]: { key, box } });
}

/**
 * Reads a stored configuration back with its secrets in place. `clear` says the row still held a secret in clear
 * (written before secrets were sealed): the caller reseals it.
 */
export async function openConfig(
  sealer: Sealer,
  siteId: string,
  stored: string,
): Promise<{ config: Record<string, unknown>; clear: boolean }> {
  const config = JSON.parse(stored) as Record<string, unknown>;
  const clear = SECRET_PATHS.some(([path, key]) => typeof holderOf(config, path)?.[key] === 'string');
  const sealed = config[SEALED] as { key?: unknown; box?: unknown } | undefined;
  delete config[SEALED];
  if (sealed && typeof sealed.key === 'string' && typeof sealed.box === 'string') {
    const secrets = JSON.parse(await sealer.open(sealed.key, subjectOf(siteId), sealed.box)) as Record<string, string>;
    for (const [path, key] of SECRET_PATHS) {
      const holder = holderOf(config, path);
      const value = secrets[dotted(path, key)];
      if (holder && typeof value === 'string') holder[key] = value;
    }
  }
  return { config, clear };
}
