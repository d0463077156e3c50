import { describe, expect, it } from 'vitest';
import { AppError } from '../../worker/errors.ts';
import { assertCompleteFacts, type PolicyFacts } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { minOverallScore, minSectionScore, readability } from '../../worker/policy/readability.ts';
import {
  art13Items,
  assertCovered,
  coverage,
  currentTemplateVersion,
  localizeFacts,
  renderPolicy,
} from '../../worker/policy/render.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';

const templates = loadTemplatesFromDisk();
const render = (locale: string, facts: PolicyFacts = demoPolicyFacts) =>
  renderPolicy({ facts, locale, templateVersion: currentTemplateVersion, templates, context });

describe.each(['fr', 'en'])('shipped template %s with the demo facts', (locale) => {
  const policy = render(locale);

  it('answers every GDPR Art. 13 item in some section', () => {
    expect(coverage(policy.sections)).toEqual([]);
    expect(() => assertCovered(policy.sections, locale)).not.toThrow();
    // Each item is declared exactly where a lawyer expects it.
    const where = Object.fromEntries(
      art13Items.map((item) => [item, policy.sections.filter((s) => s.covers.includes(item)).map((s) => s.id)]),
    );
    expect(where).toEqual({
      'art13-1a': ['contact'],
      'art13-1b': ['contact'],
      'art13-1c': ['purposes'],
      'art13-1d': ['purposes'],
      'art13-1e': ['recipients'],
      'art13-1f': ['transfers'],
      'art13-2a': ['retention'],
      'art13-2b': ['rights'],
      'art13-2c': ['withdraw'],
      'art13-2d': ['complaint'],
      'art13-2e': ['required'],
      'art13-2f': ['automated'],
    });
  });

  it('has the SMS program and the consent-proof sections', () => {
    const sms = policy.sections.find((s) => s.id === 'sms-program')!.markdown;
    expect(sms).toContain('**STOP**');
    expect(sms).toContain(locale === 'fr' ? '**AIDE**' : '**HELP**');
    // Receiving an SMS is free in France; only the replies cost a standard text (no US "message and data rates").
    expect(sms).toContain(
      locale === 'fr'
        ? 'Recevoir nos SMS est gratuit. Vos réponses (OUI, STOP) coûtent le prix d’un SMS normal selon votre forfait.'
        : 'Getting our texts is free. Your replies (YES, STOP) cost a standard text under your plan.',
    );
    expect(sms).not.toMatch(/frais de messages|data rates/i);
    expect(sms).toContain(locale === 'fr' ? '4 SMS par mois au plus' : 'up to 4 texts a month');
    expect(sms).toContain('support@demo-shop.fr');
    const proof = policy.sections.find((s) => s.id === 'proof')!.markdown;
    expect(proof).toContain('https://assent.example/proofs/');
    expect(proof).toContain('(https://assent.example/v1/sites/demo/log)');
    expect(proof).toContain('mailto:privacy@demo-shop.fr');
  });

  it(`reads easily: overall >= ${minOverallScore}, every section >= ${minSectionScore}, no vague words`, () => {
    const report = readability(policy.sections, locale);
    console.log(
      `[readability] ${locale} (${report.formula}): overall ${report.overall.score} (${report.overall.words} words, ${report.overall.sentences} sentences); ` +
        report.sections.map((s) => `${s.id} ${s.score}`).join(', '),
    );
    expect(report.overall.score).toBeGreaterThanOrEqual(minOverallScore);
    for (const section of report.sections)
      expect([section.id, section.score >= minSectionScore]).toEqual([section.id, true]);
    expect(report.warnings).toEqual([]);
  });

  it('renders the same bytes every time, ends with one newline, and starts with the title', () => {
    expect(render(locale).markdown).toBe(policy.markdown);
    expect(policy.markdown.endsWith('\n') && !policy.markdown.endsWith('\n\n')).toBe(true);
    expect(policy.title).toBe(
      locale === 'fr' ? 'Politique de confidentialité\u00a0: Demo Shop SMS' : 'Privacy policy: Demo Shop SMS',
    );
    expect(policy.markdown).not.toMatch(/\{\{|\}\}/);
  });

  it('has the same sections, in the same order, as the other locale', () => {
    expect(policy.sections.map((s) => s.id)).toEqual(render(locale === 'fr' ? 'en' : 'fr').sections.map((s) => s.id));
  });
});

describe('rendering the other branches', () => {
  const facts = assertCompleteFacts({
    ...demoPolicyFacts,
    dpo: { name: 'Jane Roe', email: 'dpo@demo-shop.fr' },
    purposes: [
      { id: 'orders', description: { fr: 'livrer vos commandes', en: 'deliver your orders' }, legalBasis: 'contract' },
    ],
    legitimateInterests: undefined,
    recipients: [],
    transfers: [
      {
        country: { fr: 'États-Unis', en: 'the United States' },
        safeguard: 'scc',
        details: { fr: 'Hébergement.', en: 'Hosting.' },
      },
    ],
    numberRequired: { required: true, consequence: { fr: 'nous ne pouvons pas livrer', en: 'we cannot deliver' } },
    automatedDecisions: { description: { fr: 'Un logiciel note la fraude.', en: 'Software scores fraud.' } },
  });

  it('says what each fact says, in English', () => {
    const en = render('en', facts).sections;
    const text = (id: string) => en.find((s) => s.id === id)!.markdown;
    expect(text('contact')).toContain(
      'You can reach our data protection officer (DPO), Jane Roe, at [dpo@demo-shop.fr](mailto:dpo@demo-shop.fr).',
    );
    expect(text('purposes')).toContain('- deliver your orders. We need it for our contract with you.');
    expect(text('purposes')).toContain('We do not use your data on the basis of our "legitimate interests".');
    expect(text('recipients')).toContain('No one else gets your data.');
    expect(text('transfers')).toContain(
      `- the United States: we signed the European Commission's "standard contractual clauses" with the recipient (GDPR Article 46). Hosting.`,
    );
    expect(text('required')).toContain('Yes, we need it. If you do not give it, we cannot deliver.');
    expect(text('automated')).toContain(
      'Software scores fraud. You can ask a person to review the decision, give your view and challenge it (GDPR Article 22).',
    );
  });

  it('says what each fact says, in French', () => {
    const fr = render('fr', facts).sections;
    const text = (id: string) => fr.find((s) => s.id === id)!.markdown;
    expect(text('transfers')).toContain(
      '- États-Unis\u00a0: nous avons signé avec le destinataire les «\u00a0clauses contractuelles types\u00a0» de la Commission européenne (article 46 du RGPD). Hébergement.',
    );
    expect(text('purposes')).toContain('- livrer vos commandes. C’est nécessaire à notre contrat avec vous.');
  });

  it('falls back to the first locale given when a text has no translation', () => {
    expect(localizeFacts({ a: { fr: 'bonjour' }, b: ['x', { en: 'hi', fr: 'salut' }] }, 'en')).toEqual({
      a: 'bonjour',
      b: ['x', 'hi'],
    });
  });

  it('refuses a locale or version without a template, and a policy that skips an Art. 13 item', () => {
    expect(() => renderPolicy({ facts: demoPolicyFacts, locale: 'de', templates, context })).toThrow(AppError);
    expect(() =>
      renderPolicy({ facts: demoPolicyFacts, locale: 'fr', templateVersion: '99', templates, context }),
    ).toThrow(/version 99/);
    const partial = render('en').sections.filter((s) => s.id !== 'transfers' && s.id !== 'automated');
    expect(coverage(partial)).toEqual(['art13-1f', 'art13-2f']);
    try {
      assertCovered(partial, 'en');
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).errors).toEqual([
        { path: 'policy.en.art13-1f', message: 'No section covers art13-1f.' },
        { path: 'policy.en.art13-2f', message: 'No section covers art13-2f.' },
      ]);
    }
  });
});
