// Loading and saving site configurations; API keys (stored hashed).
import { AppError, notFound, validationError } from '../errors.ts';
import { newId, newToken, sha256Hex } from '../crypto/tokens.ts';
import type { DomainContext } from './context.ts';
import { assertCompleteFacts } from '../policy/facts.ts';
import { keepRedactedSecrets, siteConfigSchema, siteIdSchema, type SiteConfig } from './site-config.ts';

export interface Site {
  id: string;
  config: SiteConfig;
}

export async function loadSite(ctx: Pick<DomainContext, 'sites'>, siteId: string): Promise<Site> {
  const row = siteIdSchema.safeParse(siteId).success ? await ctx.sites.get(siteId) : null;
  if (!row) throw notFound(`No site "${siteId.slice(0, 64)}".`);
  return { id: row.id, config: siteConfigSchema.parse(JSON.parse(row.config)) };
}

/** Validates a configuration; its policy facts, when given, must be complete (a missing item is named). */
export function parseSiteConfig(input: unknown, prefix = ''): SiteConfig {
  const parsed = siteConfigSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, prefix);
  if (parsed.data.policy) {
    assertCompleteFacts(policyFactsOf(parsed.data), { prefix: [prefix, 'policy'].filter(Boolean).join('.'), country: parsed.data.defaultCountry });
  }
  return parsed.data;
}

/** The facts a policy is rendered from: the site's `policy` plus its program, said once in `program`. */
export function policyFactsOf(config: SiteConfig): Record<string, unknown> {
  const { name, description, frequency, helpContact, shortCode } = config.program;
  return { ...config.policy, program: { name, purpose: description, frequency, helpContact, ...(shortCode ? { shortCode } : {}) } };
}

/** Creates a site and its first API key; the key is returned once and stored only as a hash. */
export async function createSite(ctx: DomainContext, id: string, config: SiteConfig): Promise<{ apiKey: string }> {
  if (await ctx.sites.get(id)) throw new AppError('site_exists', 409, `Site "${id}" already exists.`);
  const apiKey = `ask_${newToken(ctx.random)}`;
  try {
    await ctx.sites.create({
      id,
      config: JSON.stringify(config),
      keyId: newId(ctx.random),
      keyHash: await sha256Hex(apiKey),
      now: ctx.clock(),
    });
  } catch (error) {
    if (await ctx.sites.get(id)) throw new AppError('site_exists', 409, `Site "${id}" already exists.`);
    throw error;
  }
  return { apiKey };
}

export async function replaceSiteConfig(ctx: DomainContext, site: Site, input: unknown): Promise<SiteConfig> {
  const config = parseSiteConfig(keepRedactedSecrets(input, site.config));
  await ctx.sites.updateConfig(site.id, JSON.stringify(config), ctx.clock());
  return config;
}

/** The site a key belongs to, or null. Keys are looked up by SHA-256, so the comparison leaks nothing useful. */
export async function siteForKey(ctx: Pick<DomainContext, 'sites'>, key: string): Promise<string | null> {
  const row = await ctx.sites.findKey(await sha256Hex(key));
  return row?.siteId ?? null;
}
