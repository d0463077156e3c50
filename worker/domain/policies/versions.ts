// Reading published policies: a version (or the latest) in a locale, the version history, and the widget texts a
// hash stands for. Publishing is in policies.ts.
import type { PolicyVersionRow } from '../../db/policies.ts';
import { AppError, notFound } from '../../errors.ts';
import type { PolicyFacts } from '../../policy/facts.ts';
import type { DomainContext } from '../context.ts';

type Ctx = Pick<DomainContext, 'policies'>;

export interface PolicyVersionSummary {
  version: number;
  publishedAt: string;
  summary: string;
  templateVersion: string;
  locales: { locale: string; sha256: string }[];
}

/** Every published version, newest first, with the locales it was published in. */
export async function policyVersions(ctx: Ctx, siteId: string): Promise<PolicyVersionSummary[]> {
  const byVersion = new Map<number, PolicyVersionSummary>();
  for (const r of await ctx.policies.list(siteId)) {
    const entry = byVersion.get(r.version) ?? {
      version: r.version,
      publishedAt: new Date(r.publishedAt).toISOString(),
      summary: r.summary,
      templateVersion: r.templateVersion,
      locales: [],
    };
    entry.locales.push({ locale: r.locale, sha256: r.sha256 });
    byVersion.set(r.version, entry);
  }
  return [...byVersion.values()];
}

/** One version in one locale ('latest': the newest published); a 404 when there is none. */
export async function policyVersion(
  ctx: Ctx,
  siteId: string,
  version: number | 'latest',
  locale: string,
): Promise<PolicyVersionRow> {
  const number = version === 'latest' ? await ctx.policies.latestVersion(siteId) : version;
  const row = number === null ? null : await ctx.policies.get(siteId, number, locale);
  if (row) return row;
  throw notFound(
    version === 'latest' ? `Site "${siteId}" has no published policy.` : `No policy version ${version} in "${locale}".`,
  );
}

/** The newest published version number, 0 when none is. */
export async function latestPolicyNumber(ctx: Ctx, siteId: string): Promise<number> {
  return (await ctx.policies.latestVersion(siteId)) ?? 0;
}

/** Every locale of the newest published version (none when nothing is published). */
export async function latestPolicyLocales(ctx: Ctx, siteId: string): Promise<PolicyVersionRow[]> {
  const latest = await ctx.policies.latestVersion(siteId);
  return latest === null ? [] : ctx.policies.versionLocales(siteId, latest);
}

/**
 * Refuses a purpose the newest published version does not declare (`policy.purposes[].id`): what a send or a record
 * says it is for must be something the people were told. A 422 naming `purpose`.
 */
export async function assertDeclaredPurpose(ctx: Ctx, siteId: string, purpose: string) {
  const [row] = await latestPolicyLocales(ctx, siteId);
  const declared = row ? (JSON.parse(row.facts) as PolicyFacts).purposes.map((p) => p.id) : [];
  if (declared.includes(purpose)) return;
  const message = row
    ? `Not a purpose of the published policy (version ${row.version}): use one of ${declared.join(', ')}.`
    : 'No policy is published yet, so no purpose is declared.';
  throw new AppError('validation_failed', 422, 'Invalid value for: purpose.', {
    errors: [{ path: 'purpose', message }],
  });
}

/** The exact widget texts a hash stands for, as the site served them; a 404 when it never did. */
export async function servedTexts(ctx: Ctx, siteId: string, sha256: string) {
  const row = await ctx.policies.servedTexts(siteId, sha256);
  if (!row) throw notFound('This site never served texts with this hash.');
  return {
    site: siteId,
    sha256: row.sha256,
    locale: row.locale,
    policyVersion: row.policyVersion,
    texts: JSON.parse(row.texts) as unknown,
  };
}
