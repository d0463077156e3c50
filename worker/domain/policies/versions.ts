// Reading published policies: a version (or the latest) in a locale, the version history, and the widget texts a
// hash stands for. Publishing is in policies.ts.
import { storeKey } from '../../db/client.ts';
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

/** The purposes (`policy.purposes[].id`) the newest published version declares, and its number (null: none). */
async function declaredPurposes(ctx: Ctx, siteId: string): Promise<{ version: number | null; declared: string[] }> {
  const [row] = await latestPolicyLocales(ctx, siteId);
  return {
    version: row?.version ?? null,
    declared: row ? (JSON.parse(row.facts) as PolicyFacts).purposes.map((p) => p.id) : [],
  };
}

function refuseUndeclared(purpose: string, { version, declared }: { version: number | null; declared: string[] }) {
  if (declared.includes(purpose)) return;
  const message =
    version !== null
      ? `Not a purpose of the published policy (version ${version}): use one of ${declared.join(', ')}.`
      : 'No policy is published yet, so no purpose is declared.';
  throw new AppError('validation_failed', 422, 'Invalid value for: purpose.', {
    errors: [{ path: 'purpose', message }],
  });
}

/**
 * Refuses a purpose the newest published version does not declare (`policy.purposes[].id`): what a send or a record
 * says it is for must be something the people were told. A 422 naming `purpose`.
 */
export async function assertDeclaredPurpose(ctx: Ctx, siteId: string, purpose: string) {
  refuseUndeclared(purpose, await declaredPurposes(ctx, siteId));
}

/**
 * The same refusal for the send gate's questions (`lookup`, `check` with a `purpose`), on its hot path: a site's
 * declared purposes are kept by the process for PURPOSES_TTL_MS (they change only when a version is published: at
 * once in this process, see forgetDeclaredPurposes; other processes see it within the TTL), so a gate call that names
 * a purpose costs no read once the first one did.
 */
const PURPOSES_TTL_MS = 30_000;
const purposesByStore = new WeakMap<
  object,
  Map<string, { declared: { version: number | null; declared: string[] }; until: number }>
>();

export async function assertGatePurpose(
  ctx: Pick<DomainContext, 'policies' | 'store' | 'clock'>,
  siteId: string,
  purpose: string,
) {
  const key = storeKey(ctx.store);
  let bySite = purposesByStore.get(key);
  if (!bySite) purposesByStore.set(key, (bySite = new Map()));
  const now = ctx.clock();
  let hit = bySite.get(siteId);
  if (!hit || hit.until <= now || hit.until - PURPOSES_TTL_MS > now) {
    hit = { declared: await declaredPurposes(ctx, siteId), until: now + PURPOSES_TTL_MS };
    if (bySite.size > 1000) bySite.clear();
    bySite.set(siteId, hit);
  }
  refuseUndeclared(purpose, hit.declared);
}

/** Drops a site's kept purposes (a policy version was just published in this process). */
export function forgetDeclaredPurposes(ctx: Pick<DomainContext, 'store'>, siteId: string): void {
  purposesByStore.get(storeKey(ctx.store))?.delete(siteId);
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
