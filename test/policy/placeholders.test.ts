import { describe, expect, it } from 'vitest';
import { policyFactsSchema } from '../../worker/policy/facts.ts';
import { serviceViewSchema } from '../../worker/policy/render.ts';
import { parseTemplate, type TemplateNode } from '../../worker/policy/template.ts';
import { loadTemplatesFromDisk } from './helpers.ts';
import { isLeaf, resolve, sectionFrame, type Frame } from './schema-walk.ts';

/** Every tag of a template that does not name a fact (or names an object where text is needed). */
function unknownTags(template: string): string[] {
  const bad: string[] = [];
  const walk = (nodes: TemplateNode[], stack: Frame[]) => {
    for (const node of nodes) {
      if (node.kind === 'text') continue;
      const found = resolve(stack, node.name);
      if (found.length === 0) bad.push(node.name);
      else if (node.kind === 'var' && !found.some(isLeaf)) bad.push(`${node.name} (not text)`);
      if (node.kind === 'section') {
        const frame = node.inverted ? undefined : sectionFrame(found);
        walk(node.children, frame ? [...stack, frame] : stack);
      }
    }
  };
  walk(parseTemplate(template), [[policyFactsSchema, serviceViewSchema]]);
  return bad;
}

const templates = loadTemplatesFromDisk();

describe('template placeholders', () => {
  it('ships version 1 in fr and en', () => {
    expect(Object.keys(templates['1'] ?? {}).sort()).toEqual(['en', 'fr']);
  });

  for (const [version, locales] of Object.entries(templates)) {
    for (const [locale, template] of Object.entries(locales)) {
      it(`every placeholder in ${version}/${locale}.md exists in the facts schema`, () => {
        expect(unknownTags(template)).toEqual([]);
      });
    }
  }

  it('the check catches a misspelt fact, a field out of its list and an object used as text', () => {
    const template = '{{controller.fax}} {{description}} {{#purposes}}{{description}}{{/purposes}} {{controller}}';
    expect(unknownTags(template)).toEqual(['controller.fax', 'description', 'controller (not text)']);
  });

  it('the check follows unions and enum tests', () => {
    const template =
      '{{#dpo.none}}{{dpo.reason}}{{/dpo.none}}{{^dpo.none}}{{dpo.email}}{{/dpo.none}}' +
      '{{#transfers}}{{country}}{{#safeguard.scc}}x{{/safeguard.scc}}{{/transfers}}{{#purposes}}{{#legalBasis.consent}}y{{/legalBasis.consent}}{{/purposes}}' +
      '{{#purposes}}{{#legalBasis.gift}}z{{/legalBasis.gift}}{{/purposes}}';
    expect(unknownTags(template)).toEqual(['legalBasis.gift']);
  });
});
