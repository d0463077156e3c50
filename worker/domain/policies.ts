// Publishing privacy policies: render every locale from the site's facts, refuse incomplete or hard-to-read text,
// store the exact bytes with their SHA-256 as a new numbered version, log it, and flag consents on material change.
import type { Statement } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { materialChanges, type MaterialField } from '../policy/diff.ts';
import { assertCompleteFacts, type PolicyFacts } from '../policy/facts.ts';
import { assertReadable, readability, type ReadabilityReport } from '../policy/readability.ts';
import { assertCovered, currentTemplateVersion, renderPolicy, type PolicyTemplates } from '../policy/render.ts';
import type { DomainContext } from './context.ts';
import { newEvent } from './events.ts';
import type { Site } from './sites.ts';

export interface PublishedPolicy {
  version: number;
  templateVersion: string;
  locales: { locale: string; sha256: string; readingEase: number }[];
  warnings: ReadabilityReport['warnings'];
  materialChanges: MaterialField[];
  renewalRequired: boolean;
}

export interface PolicyMeta {
  title: string;
  sections: { id: string; title: string; covers: string[] }[];
  readability: ReadabilityReport;
}

export async function publishPolicy(
  ctx: DomainContext,
  site: Site,
  options: { summary: string; templates: PolicyTemplates; templateVersion?: string },
): Promise<PublishedPolicy> {
  const facts = assertCompleteFacts(site.config.policy, 'policy');
  const templateVersion = options.templateVersion ?? currentTemplateVersion;
  const rendered = site.config.locales.map((locale) => {
    const policy = renderPolicy({ facts, locale, templateVersion, templates: options.templates, context: { publicUrl: ctx.publicUrl, site: site.id } });
    assertCovered(policy.sections, locale);
    const report = readability(policy.sections, locale);
    assertReadable(report);
    return { locale, policy, report };
  });
  const now = ctx.clock();
  const previous = await ctx.policies.latestVersion(site.id);
  const version = (previous ?? 0) + 1;
  let changes: MaterialField[] = [];
  if (previous !== null) {
    const prior = (await ctx.policies.versionLocales(site.id, previous))[0];
    if (prior) changes = materialChanges(JSON.parse(prior.facts) as PolicyFacts, facts);
  }
  const statements: Statement[] = [];
  const locales: PublishedPolicy['locales'] = [];
  for (const { locale, policy, report } of rendered) {
    const sha256 = await sha256Hex(policy.markdown);
    const meta: PolicyMeta = {
      title: policy.title,
      sections: policy.sections.map(({ id, title, covers }) => ({ id, title, covers })),
      readability: report,
    };
    statements.push(
      ctx.policies.insert({
        siteId: site.id,
        version,
        locale,
        templateVersion,
        markdown: policy.markdown,
        sha256,
        summary: options.summary,
        facts: JSON.stringify(facts),
        meta: JSON.stringify(meta),
        publishedAt: now,
      }),
    );
    locales.push({ locale, sha256, readingEase: report.overall.score });
  }
  const event = await newEvent(ctx, {
    siteId: site.id,
    consentId: null,
    type: 'policy-published',
    at: now,
    details: { version, templateVersion, sha256: Object.fromEntries(locales.map((l) => [l.locale, l.sha256])), materialChanges: changes },
  });
  statements.push(...ctx.events.append(event));
  if (changes.length > 0) statements.push(ctx.consents.requireRenewal(site.id, version));
  try {
    await ctx.store.batch(statements as [Statement, ...Statement[]]);
  } catch (error) {
    if ((await ctx.policies.latestVersion(site.id)) !== previous) {
      throw new AppError('conflict', 409, 'Another version was published at the same time; try again.');
    }
    throw error;
  }
  return {
    version,
    templateVersion,
    locales,
    warnings: rendered.flatMap((r) => r.report.warnings),
    materialChanges: changes,
    renewalRequired: changes.length > 0,
  };
}
