// The policy states what the owner declared and what the law says, nothing more: each sentence below was false or
// misleading for some declaration under template 1, and template 1 itself stays byte for byte what sites published.
// Sources: GDPR Art. 13(1)(f) (a copy of the Art. 46-47 safeguards; an adequacy decision has none), Art. 13(2)(f)
// and 22 (automated decisions, "including profiling": a claim the owner's `{none: true}` does not make), Art. 21(3)
// (an objection to direct marketing always stops it: https://eur-lex.europa.eu/eli/reg/2016/679/oj); article L34-5
// CPCE and https://www.cnil.fr/fr/la-prospection-commerciale-par-sms-mms (customers may be texted without prior
// consent about similar products).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertCompleteFacts } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { currentTemplateVersion, renderPolicy } from '../../worker/policy/render.ts';
import { context, loadTemplatesFromDisk, similarProducts } from './helpers.ts';

const templates = loadTemplatesFromDisk();
const render = (locale: string, facts: object, templateVersion = currentTemplateVersion) =>
  renderPolicy({ facts: assertCompleteFacts(facts), locale, templateVersion, templates, context });
const section = (markdown: string, id: string) =>
  markdown.split(/^<!-- section: /m).find((s) => s.startsWith(`${id};`)) ?? '';

const existingCustomer = {
  ...demoPolicyFacts,
  purposes: [similarProducts, ...demoPolicyFacts.purposes],
};
const transfers = (safeguard: string) => ({
  ...demoPolicyFacts,
  transfers: [{ country: 'Suisse', safeguard, details: { fr: 'Nos sauvegardes.', en: 'Our backups.' } }],
});

describe('template 1, once published, never changes', () => {
  it.each([
    ['fr', 'dfdc7c869606a74787fe40267e57f023e44e0c24040171d64b7f4d837a5c4253'],
    ['en', '2815717775258198eedc6d8393c8a6e92da94c8b084baf168367f6a394824719'],
  ])('templates/policy/1/%s.md', (locale, sha256) => {
    const bytes = readFileSync(join(import.meta.dirname, `../../templates/policy/1/${locale}.md`));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  });
});

describe.each(['fr', 'en'])('the current template (%s)', (locale) => {
  it('does not say "only if you say yes" alone when a purpose is the existing-customer exception', () => {
    const summary = section(render(locale, existingCustomer).markdown, 'summary');
    expect(summary).toMatch(locale === 'fr' ? /acheté quelque chose/ : /bought from us/);
    expect(section(render(locale, demoPolicyFacts).markdown, 'summary')).not.toMatch(/acheté|bought/);
  });

  it('says an objection to marketing always stops it, beside the Art. 21(1) balancing', () => {
    const purposes = section(render(locale, existingCustomer).markdown, 'purposes');
    expect(purposes).toContain(locale === 'fr' ? 'article 21.1 du RGPD' : 'GDPR Article 21(1)');
    expect(purposes).toContain(locale === 'fr' ? 'article 21.3 du RGPD' : 'GDPR Article 21(3)');
  });

  it('claims no absence of profiling the owner did not declare', () => {
    const automated = section(render(locale, demoPolicyFacts).markdown, 'automated');
    expect(automated).toContain(locale === 'fr' ? 'ordinateur seul' : 'computer alone');
    expect(automated).not.toMatch(/profil/i);
  });

  it('offers a copy of safeguards only where there is one to copy', () => {
    const copy = locale === 'fr' ? /copie/ : /copy/;
    for (const safeguard of ['scc', 'bcr', 'certification', 'code_of_conduct'])
      expect(section(render(locale, transfers(safeguard)).markdown, 'transfers'), safeguard).toMatch(copy);
    for (const safeguard of ['adequacy', 'derogation'])
      expect(section(render(locale, transfers(safeguard)).markdown, 'transfers'), safeguard).not.toMatch(copy);
  });
});

describe('legitimate interests', () => {
  const interests = demoPolicyFacts.legitimateInterests as Record<'fr' | 'en', string>;
  const noInterestsUsed = {
    ...demoPolicyFacts,
    purposes: demoPolicyFacts.purposes.filter((p) => p.legalBasis !== 'legitimate_interests'),
  };
  it('stated while no purpose rests on them: the policy says the site uses none, and names none', () => {
    const fr = render('fr', noInterestsUsed);
    const en = render('en', noInterestsUsed);
    expect(en.markdown).toContain('We do not use your data on the basis of our "legitimate interests".');
    expect(en.markdown).not.toContain(interests.en);
    expect(fr.markdown).toContain('Nous n’utilisons pas vos données au titre de notre');
    expect(fr.markdown).not.toContain(interests.fr);
  });
  it('a purpose resting on them: they are named', () => {
    expect(render('en', demoPolicyFacts).markdown).toContain(interests.en);
  });
});
