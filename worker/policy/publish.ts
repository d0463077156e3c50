// Everything a publish needs short of storage: complete facts (no placeholder, agreeing with the SMS provider),
// every locale rendered, covering Art. 13 and readable, with the exact bytes and their SHA-256. One call, one 422
// listing every problem at once.
import { AppError, type FieldError } from '../errors.ts';
import { assertCompleteFacts, type PolicyFacts } from './facts.ts';
import type { ProviderFact } from './provider-facts.ts';
import { assertReadable, readability, type ReadabilityReport, type VagueWordWarning } from './readability.ts';
import {
  assertCovered,
  currentTemplateVersion,
  missingTranslations,
  renderPolicy,
  type PolicyTemplates,
  type ServiceContext,
} from './render.ts';
import type { PolicySection } from './template.ts';
import { sha256Hex } from '../crypto/tokens.ts';

export interface PreparedLocale {
  locale: string;
  title: string;
  /** The exact bytes to store and serve with `?format=md`. */
  markdown: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  sections: PolicySection[];
  readability: ReadabilityReport;
  warnings: VagueWordWarning[];
}

export interface PreparedPolicy {
  templateVersion: string;
  facts: PolicyFacts;
  locales: PreparedLocale[];
}

function fieldErrors(error: unknown, path: string): FieldError[] {
  if (error instanceof AppError && error.errors) return error.errors;
  if (error instanceof AppError) return [{ path, message: error.message }];
  throw error;
}

/**
 * Renders and checks every locale. Throws 422 `validation_failed` for missing facts, or `policy_refused` with
 * the uncovered Art. 13 items and the unreadable sections (with their hardest sentences) of every locale.
 */
export async function preparePolicy(options: {
  facts: unknown;
  locales: readonly string[];
  templates: PolicyTemplates;
  context: ServiceContext;
  templateVersion?: string;
  country?: string;
  /** The SMS provider the site sends through: the facts must name it as a recipient (and a transfer if needed). */
  provider?: ProviderFact | null;
}): Promise<PreparedPolicy> {
  const { locales, templates, templateVersion = currentTemplateVersion } = options;
  const context: ServiceContext = { ...options.context, country: options.country ?? options.context.country ?? 'FR' };
  // Named with every other problem: a missing translation is as much a refusal as a missing fact.
  const untranslated = missingTranslations(options.facts, locales);
  let facts: PolicyFacts;
  try {
    facts = assertCompleteFacts(options.facts, {
      ...(options.country ? { country: options.country } : {}),
      provider: options.provider ?? null,
    });
  } catch (error) {
    if (error instanceof AppError && error.errors) error.errors.push(...untranslated);
    throw error;
  }
  const errors: FieldError[] = [...untranslated];
  const prepared: PreparedLocale[] = [];
  const scores: Record<string, unknown> = {};
  for (const locale of locales) {
    try {
      const policy = renderPolicy({ facts, locale, templateVersion, templates, context });
      const report = readability(policy.sections, locale);
      scores[locale] = { formula: report.formula, overall: report.overall.score };
      for (const check of [() => assertCovered(policy.sections, locale), () => assertReadable(report)]) {
        try {
          check();
        } catch (error) {
          errors.push(...fieldErrors(error, `policy.${locale}`));
        }
      }
      const bytes = new TextEncoder().encode(policy.markdown);
      prepared.push({
        locale,
        title: policy.title,
        markdown: policy.markdown,
        bytes,
        sha256: await sha256Hex(bytes),
        sections: policy.sections,
        readability: report,
        warnings: report.warnings,
      });
    } catch (error) {
      errors.push(...fieldErrors(error, `policy.${locale}`));
    }
  }
  if (errors.length > 0) {
    const where = [...new Set(errors.map((e) => e.path))].join(', ');
    throw new AppError('policy_refused', 422, `The policy cannot be published: ${where}.`, {
      errors,
      extensions: { readability: scores },
    });
  }
  return { templateVersion, facts, locales: prepared };
}
