// Publishing privacy policies: every locale rendered from the site's facts and checked (complete, real, agreeing
// with the SMS provider, readable) by preparePolicy, stored byte for byte with its SHA-256 as a new numbered
// version, logged, and consents flagged for renewal when purposes, recipients or transfers changed.
import type { Statement } from '../../db/client.ts';
import { AppError, conflict } from '../../errors.ts';
import { materialChanges, type MaterialField } from '../../policy/diff.ts';
import type { PolicyFacts } from '../../policy/facts.ts';
import { preparePolicy } from '../../policy/publish.ts';
import type { ReadabilityReport } from '../../policy/readability.ts';
import type { PolicyTemplates } from '../../policy/render.ts';
import type { DomainContext } from '../context.ts';
import { newEvent } from '../proof-log/events.ts';
import type { Site } from '../site/sites.ts';
import { configPath, policyFactsOf, providerFactOf } from '../site/rules.ts';
import { forgetWidget } from '../site/widget-document.ts';
import { forgetDeclaredPurposes } from './versions.ts';

export interface PublishedPolicy {
  version: number;
  templateVersion: string;
  locales: { locale: string; sha256: string; readingEase: number }[];
  warnings: ReadabilityReport['warnings'];
  materialChanges: MaterialField[];
  renewalRequired: boolean;
}

/** Stored beside the bytes: what the HTML, JSON and diff views need without re-rendering. */
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
  const prepared = await preparePolicy({
    facts: policyFactsOf(site.config),
    locales: site.config.locales,
    templates: options.templates,
    context: { publicUrl: ctx.publicUrl, site: site.id, lastContactDays: site.config.retention.lastContactDays },
    country: site.config.defaultCountry,
    provider: providerFactOf(site.config.sms),
    ...(options.templateVersion ? { templateVersion: options.templateVersion } : {}),
  }).catch((error: unknown) => {
    // Name each problem where the owner writes it in the configuration (`program.description`, not the facts').
    if (error instanceof AppError && error.errors) for (const e of error.errors) e.path = configPath(e.path);
    throw error;
  });
  const now = ctx.clock();
  const previous = await ctx.policies.latestVersion(site.id);
  const version = (previous ?? 0) + 1;
  let changes: MaterialField[] = [];
  if (previous !== null) {
    const prior = (await ctx.policies.versionLocales(site.id, previous))[0];
    if (prior) changes = materialChanges(JSON.parse(prior.facts) as PolicyFacts, prepared.facts);
  }
  const statements: Statement[] = prepared.locales.map((l) => {
    const meta: PolicyMeta = {
      title: l.title,
      sections: l.sections.map(({ id, title, covers }) => ({ id, title, covers })),
      readability: l.readability,
    };
    return ctx.policies.insert({
      siteId: site.id,
      version,
      locale: l.locale,
      templateVersion: prepared.templateVersion,
      markdown: l.markdown,
      sha256: l.sha256,
      summary: options.summary,
      facts: JSON.stringify(prepared.facts),
      meta: JSON.stringify(meta),
      publishedAt: now,
    });
  });
  const event = await newEvent(ctx, {
    siteId: site.id,
    consentId: null,
    type: 'policy-published',
    at: now,
    details: {
      version,
      templateVersion: prepared.templateVersion,
      sha256: Object.fromEntries(prepared.locales.map((l) => [l.locale, l.sha256])),
      materialChanges: changes,
    },
  });
  statements.push(...ctx.events.append(event));
  if (changes.length > 0) {
    // Announced before being flagged: only consents not flagged by an earlier version are announced again.
    statements.push(ctx.webhooks.fanOutRenewal(site.id, version, event.id, now));
    statements.push(ctx.consents.requireRenewal(site.id, version));
  }
  try {
    await ctx.store.batch(statements as [Statement, ...Statement[]]);
  } catch (error) {
    if ((await ctx.policies.latestVersion(site.id)) !== previous) {
      throw conflict('Another version was published at the same time; try again.');
    }
    throw error;
  }
  forgetWidget(ctx, site.id);
  forgetDeclaredPurposes(ctx, site.id);
  return {
    version,
    templateVersion: prepared.templateVersion,
    locales: prepared.locales.map((l) => ({
      locale: l.locale,
      sha256: l.sha256,
      readingEase: l.readability.overall.score,
    })),
    warnings: prepared.locales.flatMap((l) => l.warnings),
    materialChanges: changes,
    renewalRequired: changes.length > 0,
  };
}
