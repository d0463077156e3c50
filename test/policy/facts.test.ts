import { describe, expect, it } from 'vitest';
import { AppError, problemOf } from '../../worker/errors.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { assertCompleteFacts, cnil, LEGAL_DEFAULTS, policyFactsSchema } from '../../worker/policy/facts.ts';

/** Every path in a value: objects and their fields, array items' fields (not the items themselves). */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value))
    return value.flatMap((item, i) => paths(item, [...prefix, String(i)]).filter((p) => p.length > prefix.length + 1));
  if (value === null || typeof value !== 'object') return [];
  // A localized text is one fact, not one per locale.
  if (Object.keys(value).every((k) => /^[a-z]{2}$/.test(k))) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function without(value: unknown, path: string[]): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

function refusal(facts: unknown): AppError {
  try {
    if (typeof facts === 'function') facts();
    else assertCompleteFacts(facts);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('facts were accepted');
}

// Facts that may be left out: optional details, or items whose default the law fixes (LEGAL_DEFAULTS: the proof
// kept five years, the limitation period; the opt-out list; the authority of the site's country, the number not
// required).
const OPTIONAL = new Set([
  'controller.phone',
  'controller.website',
  'retention.proofs',
  'retention.optOut',
  'rights.url',
  'supervisoryAuthority.address',
  'supervisoryAuthority',
  'numberRequired',
]);

describe('policy facts', () => {
  it('accepts the demo facts unchanged', () => {
    expect(assertCompleteFacts(demoPolicyFacts)).toEqual(demoPolicyFacts);
  });

  it('fills only the legal defaults: proof kept five years, the opt-out list, the CNIL, number not required', () => {
    const minimal = without(
      without(without(without(demoPolicyFacts, ['retention', 'proofs']), ['retention', 'optOut']), [
        'supervisoryAuthority',
      ]),
      ['numberRequired'],
    );
    const facts = assertCompleteFacts(minimal);
    expect(facts.retention.proofs).toEqual(LEGAL_DEFAULTS.proofs);
    expect(JSON.stringify(facts.retention.proofs)).toContain('cinq ans après la fin de votre inscription');
    expect(facts.retention.optOut).toEqual(LEGAL_DEFAULTS.optOut);
    expect(facts.retention.prospects).toEqual(demoPolicyFacts.retention.prospects);
    expect(facts.supervisoryAuthority).toEqual(cnil);
    expect(facts.numberRequired).toEqual(LEGAL_DEFAULTS.numberRequired);
  });

  it('invents nothing: retention of numbers, recipients, transfers, DPO and automated decisions must be declared', () => {
    for (const path of [['retention', 'prospects'], ['recipients'], ['transfers'], ['dpo'], ['automatedDecisions']]) {
      expect(refusal(without(demoPolicyFacts, path)).errors?.map((e) => e.path)).toEqual([`policy.${path.join('.')}`]);
    }
  });

  const all = paths(demoPolicyFacts);
  it('walks every fact of the demo (sanity check of the test itself)', () => {
    expect(all.length).toBeGreaterThan(40);
  });

  for (const path of all) {
    const name = path.join('.');
    if (OPTIONAL.has(name)) {
      it(`accepts the facts without optional ${name}`, () => {
        expect(policyFactsSchema.safeParse(without(demoPolicyFacts, path)).success).toBe(true);
      });
    } else {
      it(`refuses the facts without ${name}, naming it`, () => {
        const error = refusal(without(demoPolicyFacts, path));
        expect(error.status).toBe(422);
        expect(error.code).toBe('validation_failed');
        expect(error.errors?.map((e) => e.path)).toEqual([`policy.${name}`]);
        expect(error.message).toBe(`Invalid value for: policy.${name}.`);
      });
    }
  }

  it('asks for legitimate interests only when a purpose relies on them', () => {
    const noInterests = without(demoPolicyFacts, ['legitimateInterests']) as typeof demoPolicyFacts;
    expect(refusal(noInterests).errors).toEqual([
      { path: 'policy.legitimateInterests', message: expect.stringContaining('legitimate_interests') },
    ]);
    const consentOnly = {
      ...noInterests,
      purposes: noInterests.purposes.filter((p) => p.legalBasis !== 'legitimate_interests'),
    };
    expect(policyFactsSchema.safeParse(consentOnly).success).toBe(true);
  });

  it('names the field of the DPO branch the owner meant', () => {
    expect(refusal({ ...demoPolicyFacts, dpo: { name: 'Jane Roe' } }).errors?.map((e) => e.path)).toEqual([
      'policy.dpo.email',
    ]);
    expect(refusal({ ...demoPolicyFacts, dpo: { none: true } }).errors?.map((e) => e.path)).toEqual([
      'policy.dpo.reason',
    ]);
    expect(policyFactsSchema.safeParse({ ...demoPolicyFacts, dpo: { email: 'dpo@demo-shop.fr' } }).success).toBe(true);
  });

  it('refuses an empty transfer list, bad emails, script URLs and duplicate purposes', () => {
    expect(refusal({ ...demoPolicyFacts, transfers: [] }).errors?.map((e) => e.path)).toEqual(['policy.transfers']);
    expect(
      refusal({ ...demoPolicyFacts, controller: { ...demoPolicyFacts.controller, email: 'nope' } }).errors?.[0]?.path,
    ).toBe('policy.controller.email');
    expect(
      refusal({ ...demoPolicyFacts, controller: { ...demoPolicyFacts.controller, website: 'javascript:alert(1)' } })
        .errors?.[0]?.path,
    ).toBe('policy.controller.website');
    const twice = { ...demoPolicyFacts, purposes: [demoPolicyFacts.purposes[0]!, demoPolicyFacts.purposes[0]!] };
    expect(refusal(twice).errors?.map((e) => e.path)).toEqual(['policy.purposes.1.id']);
  });

  it('picks the complaint authority from the site country, and asks for one where it cannot', () => {
    const noAuthority = without(demoPolicyFacts, ['supervisoryAuthority']);
    expect(assertCompleteFacts(noAuthority, { country: 'BE' }).supervisoryAuthority.url).toBe(
      'https://www.autoriteprotectiondonnees.be',
    );
    expect(assertCompleteFacts(noAuthority).supervisoryAuthority).toEqual(cnil);
    expect(refusal(() => assertCompleteFacts(noAuthority, { country: 'DE' })).errors?.map((e) => e.path)).toEqual([
      'policy.supervisoryAuthority',
    ]);
    expect(assertCompleteFacts(demoPolicyFacts, { country: 'DE' }).supervisoryAuthority).toEqual(cnil);
  });

  it('maps to a problem+json that names the missing item', () => {
    const problem = problemOf(refusal(without(demoPolicyFacts, ['controller', 'email'])));
    expect(problem).toMatchObject({
      type: 'https://assent.dev/problems/validation-failed',
      status: 422,
      detail: 'Invalid value for: policy.controller.email.',
      errors: [{ path: 'policy.controller.email' }],
    });
  });
});
