// Retention is stated as periods: a circular criterion is refused wherever it is written, the number's and the
// proof's periods carry a unit, the number is kept at most three years; the published policies of the demo state
// every period, everything recorded and every right (test/policy/legal-notice.ts).
import { describe, expect, it } from 'vitest';
import { factErrors, LEGAL_DEFAULTS } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { circularIn, periodsIn, retentionErrors } from '../../worker/policy/retention-periods.ts';
import { renderPolicy } from '../../worker/policy/render.ts';
import { ADMIN_TOKEN, json, makeHarness } from '../harness.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';
import { expectCompleteNotice } from './legal-notice.ts';

const withRetention = (retention: Record<string, unknown>) => ({ ...demoPolicyFacts, retention });
const paths = (retention: Record<string, unknown>) => factErrors(withRetention(retention)).map((e) => e.path);

describe('retention periods', () => {
  it('reads periods in French and English, in days', () => {
    expect(periodsIn('jusqu’à votre STOP, puis 30 jours ; sans confirmation, 2 mois')).toEqual([30, 60]);
    expect(periodsIn('five years after your subscription ends')).toEqual([5 * 365]);
    expect(periodsIn('trois\u00a0ans après votre dernier achat')).toEqual([3 * 365]);
    expect(periodsIn('jusqu’à votre STOP')).toEqual([]);
  });

  it('finds circular criteria in French and English, and not in stated periods or events', () => {
    for (const text of [
      'tant que nous vous envoyons des SMS, puis le temps de pouvoir montrer que vous avez dit oui',
      'aussi longtemps que nécessaire',
      'pendant la durée nécessaire à la finalité',
      'as long as we text you, then as long as we need it to show that you said yes',
      'as long as necessary',
      'for the time needed to prove consent',
    ]) {
      expect(circularIn(text), text).not.toBeNull();
    }
    for (const text of [
      LEGAL_DEFAULTS.proofs.fr,
      LEGAL_DEFAULTS.proofs.en,
      LEGAL_DEFAULTS.optOut.fr,
      LEGAL_DEFAULTS.optOut.en,
      '30 jours après votre STOP',
    ]) {
      expect(circularIn(text), text).toBeNull();
    }
  });

  it('the old legal default for proofs, circular, is refused where an owner writes it', () => {
    const old = {
      fr: 'tant que nous vous envoyons des SMS, puis le temps de pouvoir montrer que vous avez dit oui',
      en: 'as long as we text you, then as long as we need it to show that you said yes',
    };
    expect(paths({ ...demoPolicyFacts.retention, proofs: old })).toEqual([
      'policy.retention.proofs.fr',
      'policy.retention.proofs.en',
    ]);
    expect(paths({ ...demoPolicyFacts.retention, optOut: 'aussi longtemps que nécessaire' })).toEqual([
      'policy.retention.optOut',
    ]);
  });

  it('asks the number and the proof for a period, and refuses a number kept more than three years', () => {
    expect(paths({ ...demoPolicyFacts.retention, prospects: 'jusqu’à votre STOP' })).toEqual([
      'policy.retention.prospects',
    ]);
    expect(
      paths({
        ...demoPolicyFacts.retention,
        prospects: { fr: '5 ans après votre dernier achat', en: '3 years after your last purchase' },
      }),
    ).toEqual(['policy.retention.prospects.fr']);
    expect(paths({ ...demoPolicyFacts.retention, proofs: 'for the proof' })).toEqual(['policy.retention.proofs']);
    expect(paths({ ...demoPolicyFacts.retention, proofs: '6 years after your subscription ends' })).toEqual([]);
    expect(retentionErrors(demoPolicyFacts.retention, 'policy.retention')).toEqual([]);
  });

  it('the demo publishes complete notices, and a PUT with a circular criterion is refused, naming it', async () => {
    const h = await makeHarness();
    try {
      for (const locale of ['fr', 'en'] as const) {
        expectCompleteNotice(
          await (await h.app.request(`/p/demo?format=md&locale=${locale}`)).text(),
          locale,
          'published demo policy',
        );
      }
      const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const { program: _program, ...policy } = withRetention({
        ...demoPolicyFacts.retention,
        proofs: { fr: 'aussi longtemps que nécessaire', en: 'as long as necessary' },
      });
      const current = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
        config: Record<string, unknown>;
      };
      const put = await h.app.request('/v1/sites/demo', {
        ...json({ ...current.config, policy }, admin),
        method: 'PUT',
      });
      expect(put.status, await put.clone().text()).toBe(422);
      const errors = ((await put.json()) as { errors: { path: string; message: string }[] }).errors;
      expect(errors.map((e) => e.path)).toEqual(['policy.retention.proofs.fr', 'policy.retention.proofs.en']);
      expect(errors[0]!.message).toContain('circular');
    } finally {
      await h.close();
    }
  });

  const templates = loadTemplatesFromDisk();
  for (const locale of ['fr', 'en'] as const) {
    it(`the demo's ${locale} policy states every period, everything recorded and every right`, () => {
      const { markdown } = renderPolicy({
        facts: demoPolicyFacts,
        locale,
        templates,
        context: { ...context, country: 'FR' },
      });
      expectCompleteNotice(markdown, locale, 'demo policy');
    });
  }

  it('post-mortem directives are French law: a Belgian site’s policy does not state them', () => {
    const { markdown } = renderPolicy({
      facts: demoPolicyFacts,
      locale: 'fr',
      templates,
      context: { ...context, country: 'BE' },
    });
    expect(markdown).not.toContain('article 85');
    expect(markdown).toContain('droit à la limitation, article 18');
  });
});
