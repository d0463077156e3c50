// Loading and saving site configurations; API keys (stored hashed).
import { AppError, conflict, notFound } from '../../errors.ts';
import { newId, newToken, sha256Hex } from '../../crypto/tokens.ts';
import { storeKey } from '../../db/client.ts';
import type { DomainContext } from '../context.ts';
import { assertSmsUrls } from '../../net/outbound.ts';
import { importsDeadlineErrors, siteIdSchema, storedConfigSchema, type SiteConfig } from './config.ts';
import { apiBaseUrlChanged, configRefusal, parseSiteConfig, policyFactsOf, providerSwitchErrors } from './rules.ts';
import { keepRedactedSecrets, openConfig, sealConfig } from './secrets.ts';

export { parseSiteConfig, policyFactsOf };

export interface Site {
  id: string;
  config: SiteConfig;
}

// Parsed configurations, per database, for a few seconds: every request names a site, and reading and validating
// its configuration each time was most of the cost of the hot routes. A PUT in this process drops the entry at
// once; other processes see it within SITE_TTL_MS.
const SITE_TTL_MS = 5_000;
const siteCaches = new WeakMap<object, Map<string, { site: Site; until: number }>>();

function siteCache(store: object) {
  let cache = siteCaches.get(store);
  if (!cache) siteCaches.set(store, (cache = new Map()));
  return cache;
}

type SiteCtx = Pick<DomainContext, 'sites' | 'store' | 'clock' | 'sealer'>;

/** The site as this process holds it for a few seconds more, or null (nothing is read). */
export function cachedSite(ctx: Pick<DomainContext, 'store' | 'clock'>, siteId: string): Site | null {
  const now = ctx.clock();
  const hit = siteCache(storeKey(ctx.store)).get(siteId);
  return hit && hit.until > now && hit.until - SITE_TTL_MS <= now ? hit.site : null;
}

/** A site id that can name a site: anything else is unknown without a read. */
export const plausibleSiteId = (siteId: string) => siteIdSchema.safeParse(siteId).success;

export async function loadSite(ctx: SiteCtx, siteId: string): Promise<Site> {
  const hit = cachedSite(ctx, siteId);
  if (hit) return hit;
  return siteFromRow(ctx, siteId, plausibleSiteId(siteId) ? await ctx.sites.get(siteId) : null);
}

/** A site's row, read by loadSite or with another read (a sign-up's first one), opened, checked and cached. */
export async function siteFromRow(
  ctx: SiteCtx,
  siteId: string,
  row: { id: string; config: string } | null,
): Promise<Site> {
  if (!row) throw notFound(`No site "${siteId.slice(0, 64)}".`);
  const cache = siteCache(storeKey(ctx.store));
  const now = ctx.clock();
  const { config, clear } = await openConfig(ctx.sealer, row.id, row.config);
  // A row written before secrets were sealed is sealed now (unless a PUT rewrote it meanwhile).
  // A failed write only postpones it to the next load: the configuration read is good either way.
  if (clear)
    await ctx.sites
      .replaceConfigIf(row.id, row.config, await sealConfig(ctx.sealer, row.id, config))
      .catch(() => false);
  const site = { id: row.id, config: storedConfigSchema.parse(config) as SiteConfig };
  if (cache.size > 1000) cache.clear();
  cache.set(siteId, { site, until: now + SITE_TTL_MS });
  return site;
}

export function forgetSite(ctx: Pick<DomainContext, 'store'>, siteId: string): void {
  siteCache(storeKey(ctx.store)).delete(siteId);
}

/** Creates a site and its first API key; the key is returned once and stored only as a hash. */
export async function createSite(ctx: DomainContext, id: string, config: SiteConfig): Promise<{ apiKey: string }> {
  assertSmsUrls(config.sms, ctx.outbound);
  const deadline = importsDeadlineErrors(config, ctx.clock());
  if (deadline.length > 0) throw configRefusal(deadline);
  if (await ctx.sites.get(id)) throw new AppError('site_exists', 409, `Site "${id}" already exists.`);
  const apiKey = `ask_${newToken(ctx.random)}`;
  try {
    await ctx.sites.create({
      id,
      config: await sealConfig(ctx.sealer, id, config),
      keyId: newId(ctx.random, ctx.clock()),
      keyHash: await sha256Hex(apiKey),
      now: ctx.clock(),
    });
  } catch (error) {
    if (await ctx.sites.get(id)) throw new AppError('site_exists', 409, `Site "${id}" already exists.`);
    throw error;
  }
  return { apiKey };
}

/**
 * Replaces a site's configuration. `admin` says the caller holds the platform admin token (only it may set
 * `sms.apiBaseUrl`); `prefix` names where the configuration sat in the body (`config` when GET's shape came back).
 */
export async function replaceSiteConfig(
  ctx: DomainContext,
  site: Site,
  input: unknown,
  options: { admin: boolean; prefix?: string } = { admin: false },
): Promise<SiteConfig> {
  // The stored row, not the cached copy (other processes cache a site for SITE_TTL_MS): a secret sent back redacted
  // keeps the secret stored now, and the write is a compare-and-set on that row (a concurrent PUT wins, this one 409s).
  const row = await ctx.sites.get(site.id);
  if (!row) throw notFound(`No site "${site.id}".`);
  const stored = storedConfigSchema.parse((await openConfig(ctx.sealer, row.id, row.config)).config) as SiteConfig;
  const config = parseSiteConfig(keepRedactedSecrets(input, stored), options.prefix);
  if (!options.admin && apiBaseUrlChanged(stored.sms, config.sms)) {
    throw new AppError('forbidden', 403, 'Only the platform admin may set, change or remove sms.apiBaseUrl.', {
      errors: [
        {
          path: [options.prefix, 'sms.apiBaseUrl'].filter(Boolean).join('.'),
          message: 'Only the platform admin may set, change or remove this.',
        },
      ],
    });
  }
  assertSmsUrls(config.sms, ctx.outbound, options.prefix); // a local callback also needs this server's permission
  const switchErrors = [
    ...importsDeadlineErrors(config, ctx.clock(), options.prefix),
    ...providerSwitchErrors(stored.sms, config.sms, await publishedFacts(ctx, site.id)),
  ];
  if (switchErrors.length > 0) throw configRefusal(switchErrors);
  const written = await ctx.sites.replaceConfigIf(
    site.id,
    row.config,
    await sealConfig(ctx.sealer, site.id, config),
    ctx.clock(),
  );
  forgetSite(ctx, site.id);
  if (!written) throw conflict('The configuration was changed at the same time; reload it and try again.');
  return config;
}

/** The facts of the latest published policy version, if any. */
async function publishedFacts(ctx: DomainContext, siteId: string): Promise<{ version: number; facts: unknown } | null> {
  const version = await ctx.policies.latestVersion(siteId);
  if (version === null) return null;
  const row = (await ctx.policies.versionLocales(siteId, version))[0];
  return row ? { version, facts: JSON.parse(row.facts) as unknown } : null;
}

/** Issues another API key for a site (shown once; stored as its SHA-256), e.g. to rotate keys without downtime. */
export async function issueKey(ctx: DomainContext, siteId: string): Promise<{ id: string; apiKey: string }> {
  const apiKey = `ask_${newToken(ctx.random)}`;
  const id = newId(ctx.random, ctx.clock());
  await ctx.apiKeys.insert({ id, siteId, keyHash: await sha256Hex(apiKey), createdAt: ctx.clock() });
  return { id, apiKey };
}

/** Every site id, sorted (the platform admin's site switcher). */
export async function siteIds(ctx: Pick<DomainContext, 'sites'>): Promise<string[]> {
  return (await ctx.sites.list()).map((s) => s.id).sort();
}

/** A site's keys, without their hashes: id, when issued, when revoked. */
export function listKeys(ctx: Pick<DomainContext, 'apiKeys'>, siteId: string) {
  return ctx.apiKeys.list(siteId);
}

/** Revokes a key; it stops opening the site within KEY_TTL_MS in every process (at once in this one). */
export async function revokeKey(ctx: DomainContext, siteId: string, id: string): Promise<void> {
  if (!(await ctx.apiKeys.revoke(siteId, id, ctx.clock()))) throw notFound('No active key with this id for this site.');
  keyCaches.delete(storeKey(ctx.store));
}

const KEY_TTL_MS = 30_000;
const keyCaches = new WeakMap<object, Map<string, { siteId: string | null; until: number }>>();

/**
 * The site a key belongs to (by the key's SHA-256), or null. Keys are looked up by hash, so the lookup leaks nothing
 * useful; answers are kept 30 s, so a revoked key stops working within that time.
 */
export async function siteForKeyHash(
  ctx: Pick<DomainContext, 'sites' | 'store' | 'clock'>,
  keyHash: string,
): Promise<string | null> {
  let cache = keyCaches.get(storeKey(ctx.store));
  if (!cache) keyCaches.set(storeKey(ctx.store), (cache = new Map()));
  const now = ctx.clock();
  const hit = cache.get(keyHash);
  if (hit && hit.until > now && hit.until - KEY_TTL_MS <= now) return hit.siteId;
  const siteId = (await ctx.sites.findKey(keyHash))?.siteId ?? null;
  if (cache.size > 10_000) cache.clear();
  cache.set(keyHash, { siteId, until: now + KEY_TTL_MS });
  return siteId;
}
