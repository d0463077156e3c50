import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, diffSections, diffText, diffTokens, materialChanges } from '../../worker/policy/diff.ts';
import type { PolicyFacts } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { renderPolicy } from '../../worker/policy/render.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';

const templates = loadTemplatesFromDisk();
const sectionsOf = (facts: PolicyFacts) => renderPolicy({ facts, locale: 'en', templates, context }).sections;

describe('section diff', () => {
  it('names the section that changed and the words added and removed', () => {
    const v2: PolicyFacts = {
      ...demoPolicyFacts,
      recipients: [
        ...demoPolicyFacts.recipients,
        {
          name: 'Brevo',
          role: 'processor',
          purpose: { en: 'sends our texts', fr: 'envoie nos SMS' },
          country: 'France',
        },
      ],
      retention: {
        ...demoPolicyFacts.retention,
        prospects: {
          en: 'until you reply STOP, then 60 days; if you never confirm, 30 days after your request ends',
          fr: '2 ans',
        },
      },
    };
    const changes = diffSections(sectionsOf(demoPolicyFacts), sectionsOf(v2));
    expect(changes.filter((c) => c.kind !== 'unchanged').map((c) => [c.kind, c.id])).toEqual([
      ['changed', 'recipients'],
      ['changed', 'retention'],
    ]);
    const retention = changes.find((c) => c.id === 'retention');
    if (retention?.kind !== 'changed') throw new Error('retention should have changed');
    expect(retention.parts.filter((p) => p.op !== 'same')).toEqual([
      { op: 'del', text: '30 ' },
      { op: 'add', text: '60 ' },
    ]);
    const recipients = changes.find((c) => c.id === 'recipients');
    if (recipients?.kind !== 'changed') throw new Error('recipients should have changed');
    expect(
      recipients.parts
        .filter((p) => p.op === 'add')
        .map((p) => p.text)
        .join(''),
    ).toContain('**Brevo** (France) sends our texts.');
    expect(recipients.parts.some((p) => p.op === 'del')).toBe(false);
  });

  it('lists added and removed sections where they sit', () => {
    const a = [
      { id: 'one', title: 'One', markdown: '## One\n' },
      { id: 'gone', title: 'Gone', markdown: '## Gone\n' },
      { id: 'two', title: 'Two', markdown: '## Two\n' },
    ];
    const b = [
      { id: 'one', title: 'One', markdown: '## One\n' },
      { id: 'two', title: 'Two', markdown: '## Two\nMore.\n' },
      { id: 'new', title: 'New', markdown: '## New\n' },
    ];
    expect(diffSections(a, b).map((c) => [c.kind, c.id])).toEqual([
      ['unchanged', 'one'],
      ['removed', 'gone'],
      ['changed', 'two'],
      ['added', 'new'],
    ]);
  });

  it('diffs words, keeping whitespace, so the parts rebuild both texts', () => {
    expect(diffText('We keep it 3 years.', 'We keep it 2 years.')).toEqual([
      { op: 'same', text: 'We keep it ' },
      { op: 'del', text: '3 ' },
      { op: 'add', text: '2 ' },
      { op: 'same', text: 'years.' },
    ]);
  });

  it('property: same+del parts give the old tokens, same+add the new, and same parts form a common subsequence', () => {
    const words = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
    fc.assert(
      fc.property(words, words, (a, b) => {
        const parts = diffTokens(a, b);
        expect(
          parts
            .filter((p) => p.op !== 'add')
            .map((p) => p.text)
            .join(''),
        ).toBe(a.join(''));
        expect(
          parts
            .filter((p) => p.op !== 'del')
            .map((p) => p.text)
            .join(''),
        ).toBe(b.join(''));
        // No adjacent parts with the same op (they are merged).
        for (let i = 1; i < parts.length; i++) expect(parts[i]!.op).not.toBe(parts[i - 1]!.op);
      }),
    );
  });

  it('finds a longest common subsequence', () => {
    const same = diffTokens(['x', 'a', 'b', 'c', 'y'], ['a', 'z', 'b', 'c']).filter((p) => p.op === 'same');
    expect(same.map((p) => p.text).join('')).toBe('abc');
  });
});

describe('material change', () => {
  it('is false for the same facts in another order or with other wording outside purposes, recipients, transfers', () => {
    const reordered: PolicyFacts = {
      ...demoPolicyFacts,
      purposes: [...demoPolicyFacts.purposes].reverse(),
      controller: { ...demoPolicyFacts.controller, phone: '+33 1 00 00 00 00' },
      retention: {
        prospects: { fr: '1 an', en: '1 year' },
        proofs: { fr: '5 ans', en: '5 years' },
        optOut: demoPolicyFacts.retention.optOut,
      },
    };
    expect(materialChanges(demoPolicyFacts, reordered)).toEqual([]);
    expect(materialChanges(demoPolicyFacts, structuredClone(demoPolicyFacts))).toEqual([]);
  });

  it('is true when purposes, recipients or transfers differ, and says which', () => {
    const newPurpose: PolicyFacts = {
      ...demoPolicyFacts,
      purposes: [...demoPolicyFacts.purposes, { id: 'surveys', description: 'surveys', legalBasis: 'consent' }],
    };
    const otherBasis: PolicyFacts = {
      ...demoPolicyFacts,
      purposes: demoPolicyFacts.purposes.map((p, i) => (i === 2 ? { ...p, legalBasis: 'consent' } : p)),
    };
    const newRecipient: PolicyFacts = {
      ...demoPolicyFacts,
      recipients: [...demoPolicyFacts.recipients, { name: 'X', role: 'controller', purpose: 'ads', country: 'France' }],
    };
    const transfer: PolicyFacts = {
      ...demoPolicyFacts,
      transfers: [{ country: 'USA', safeguard: 'scc', details: 'Hosting.' }],
    };
    expect(materialChanges(demoPolicyFacts, newPurpose)).toEqual(['purposes']);
    expect(materialChanges(demoPolicyFacts, otherBasis)).toEqual(['purposes']);
    expect(materialChanges(demoPolicyFacts, newRecipient)).toEqual(['recipients']);
    expect(materialChanges(demoPolicyFacts, transfer)).toEqual(['transfers']);
    expect(materialChanges(demoPolicyFacts, transfer)).toEqual(['transfers']);
  });

  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe(canonicalJson({ a: [{ d: 2 }], b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
