// Whether the live policy still says what the site's facts say: the current facts and program rendered as a publish
// would render them (nothing stored), compared with the latest published version, fact by fact and section by
// section. A site whose facts changed since (a new company name, another frequency) is shown what a publish changes;
// so is one published with an older template (the policy's wording improved since): a publish uses the newest.
import { AppError, type FieldError } from '../../errors.ts';
import { canonicalJson, diffSections, type SectionChange } from '../../policy/diff.ts';
import { preparePolicy } from '../../policy/publish.ts';
import type { PolicyTemplates } from '../../policy/render.ts';
import { parseSections } from '../../policy/template.ts';
import type { DomainContext } from '../context.ts';
import { configPath, policyFactsOf, providerFactOf } from '../site/rules.ts';
import type { Site } from '../site/sites.ts';

export type PolicyDrift =
  | { version: null }
  | { version: number; changed: false }
  | {
      version: number;
      changed: true;
      /** The top-level facts that differ from the published version's (`program`, `controller`, …). */
      fields: string[];
      /** Per locale, the sections a publish would change; a locale new since the version has every section added. */
      changes: Record<string, Exclude<SectionChange, { kind: 'unchanged' }>[]>;
      /** The template a publish would use, when it is newer than the published version's (its wording improved). */
      template?: string;
    }
  | { version: number; changed: true; errors: FieldError[] };

export async function policyDrift(
  ctx: Pick<DomainContext, 'policies' | 'publicUrl'>,
  site: Site,
  templates: PolicyTemplates,
): Promise<PolicyDrift> {
  const latest = await ctx.policies.latestVersion(site.id);
  if (latest === null) return { version: null };
  const rows = await ctx.policies.versionLocales(site.id, latest);
  let prepared: Awaited<ReturnType<typeof preparePolicy>>;
  try {
    prepared = await preparePolicy({
      facts: policyFactsOf(site.config),
      locales: site.config.locales,
      templates,
      context: { publicUrl: ctx.publicUrl, site: site.id, lastContactDays: site.config.retention.lastContactDays },
      country: site.config.defaultCountry,
      provider: providerFactOf(site.config.sms),
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 422) throw error;
    return {
      version: latest,
      changed: true,
      errors: (error.errors ?? []).map((e) => ({ ...e, path: configPath(e.path) })),
    };
  }
  const published = JSON.parse(rows[0]?.facts ?? '{}') as Record<string, unknown>;
  const current = prepared.facts as unknown as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(published), ...Object.keys(current)])]
    .filter((k) => canonicalJson(published[k] ?? null) !== canonicalJson(current[k] ?? null))
    .sort();
  const changes: Record<string, Exclude<SectionChange, { kind: 'unchanged' }>[]> = {};
  for (const l of prepared.locales) {
    const before = rows.find((r) => r.locale === l.locale);
    if (before?.sha256 === l.sha256) continue;
    changes[l.locale] = diffSections(parseSections(before?.markdown ?? ''), l.sections).filter(
      (c): c is Exclude<SectionChange, { kind: 'unchanged' }> => c.kind !== 'unchanged',
    );
  }
  const localesChanged = rows.some((r) => !site.config.locales.includes(r.locale));
  if (fields.length === 0 && Object.keys(changes).length === 0 && !localesChanged)
    return { version: latest, changed: false };
  const template =
    rows[0] && rows[0].templateVersion !== prepared.templateVersion ? prepared.templateVersion : undefined;
  return { version: latest, changed: true, fields, changes, ...(template ? { template } : {}) };
}
