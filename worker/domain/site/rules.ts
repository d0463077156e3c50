// What a site configuration must satisfy beyond its schema: policy facts that are complete, real (no placeholder)
// and agree with the SMS provider in use; a provider base URL only the platform admin sets; and a provider switch
// that the published policy already covers.
import { z } from 'zod';
import { AppError, zodFieldErrors, type FieldError } from '../../errors.ts';
import { explainIssue, factErrors } from '../../policy/facts.ts';
import { placeholderErrors } from '../../policy/placeholders.ts';
import { KNOWN_PROCESSORS, normalize, providerFactErrors, type ProviderFact } from '../../policy/provider-facts.ts';
import { siteConfigSchema, type SiteConfig, type SmsConfig } from './config.ts';

const join = (...parts: string[]) => parts.filter(Boolean).join('.');

/** The facts a policy is rendered from: the site's `policy` plus its program, said once in `program`. */
export function policyFactsOf(config: Pick<SiteConfig, 'policy' | 'program'>): Record<string, unknown> {
  const { name, description, frequency, helpContact, shortCode } = config.program;
  return {
    ...config.policy,
    program: { name, purpose: description, frequency, helpContact, ...(shortCode ? { shortCode } : {}) },
  };
}

/** The facts' program block is written in the configuration's `program` (its `purpose` as `description`). */
export function configPath(path: string): string {
  return path
    .replace(/(^|\.)policy\.program\.purpose(?=\.|$)/, '$1program.description')
    .replace(/(^|\.)policy\.program(?=\.|$)/, '$1program');
}

// Second-level labels under which the registrable name is one level further left (sms.provider.co.uk).
const GENERIC_SLD = new Set(['co', 'com', 'org', 'net', 'gov', 'ac', 'edu', 'gouv']);

/** The SMS provider the policy must name: Twilio, or a webhook's host (matched on its name, e.g. "smsgateway"). */
export function providerFactOf(sms: SmsConfig): ProviderFact | null {
  if (sms.provider === 'twilio') return { label: 'Twilio', key: 'twilio' };
  const known = KNOWN_PROCESSORS[sms.provider as keyof typeof KNOWN_PROCESSORS];
  if (known) return { label: known.label, key: known.key };
  if (sms.provider !== 'webhook') return null;
  let host: string;
  try {
    host = new URL(sms.url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return null;
  }
  const labels = host.split('.').filter(Boolean);
  const at = labels.length >= 3 && GENERIC_SLD.has(labels[labels.length - 2]!) ? labels.length - 3 : labels.length - 2;
  const key = normalize(labels[Math.max(0, at)] ?? host);
  return { label: host, key: key || normalize(host) };
}

const refusal = (errors: FieldError[]) =>
  new AppError('validation_failed', 422, `Invalid value for: ${[...new Set(errors.map((e) => e.path))].join(', ')}.`, {
    errors,
  });

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\n${e.message}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/**
 * Validates a configuration against the strict schema and, when it states policy facts, checks them as publishing
 * would (placeholders, complaint authority, the SMS provider as a recipient). One 422 names every path.
 */
export function parseSiteConfig(input: unknown, prefix = ''): SiteConfig {
  const parsed = siteConfigSchema.safeParse(input);
  const errors = parsed.success
    ? []
    : zodFieldErrors(new z.ZodError(parsed.error.issues.flatMap(explainIssue)), prefix);
  const raw = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  if (raw.policy !== undefined) {
    if (parsed.success) {
      const config = parsed.data;
      const facts = factErrors(policyFactsOf(config), {
        prefix: join(prefix, 'policy'),
        country: config.defaultCountry,
        provider: providerFactOf(config.sms),
      });
      errors.push(...facts.map((e) => ({ ...e, path: configPath(e.path) })));
    } else {
      errors.push(
        ...placeholderErrors(raw.policy, join(prefix, 'policy')),
        ...placeholderErrors(raw.program, join(prefix, 'program')),
      );
    }
  }
  if (errors.length > 0 || !parsed.success) throw refusal(dedupe(errors));
  return parsed.data;
}

/**
 * Switching to a provider the published policy does not name would make the live policy say that nobody else
 * receives the data: refused until a version naming it (and its transfer) is published.
 */
export function providerSwitchErrors(
  before: SmsConfig,
  after: SmsConfig,
  published: { version: number; facts: unknown } | null,
): FieldError[] {
  const provider = providerFactOf(after);
  if (!provider || !published || providerFactOf(before)?.key === provider.key) return [];
  return providerFactErrors(published.facts, provider, 'policy').map((e) => ({
    path: 'sms.provider',
    message: `The published policy (version ${published.version}) does not cover this provider: ${e.message} Publish a version that does (${e.path}), then switch.`,
  }));
}

/**
 * `sms.apiBaseUrl` points the server at another host: only the platform admin sets, changes or removes it (removed,
 * the provider's default host takes over: an operator's pinned region, for where the data goes, with it). A switch to
 * another provider leaves the old one's host behind, and that is the owner's to do.
 */
export function apiBaseUrlChanged(before: SmsConfig, after: SmsConfig): boolean {
  const url = (sms: SmsConfig) => ('apiBaseUrl' in sms ? sms.apiBaseUrl : undefined);
  if (url(after) === url(before)) return false;
  return url(after) !== undefined || before.provider === after.provider;
}

export { refusal as configRefusal };
