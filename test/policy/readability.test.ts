import { describe, expect, it } from 'vitest';
import { AppError } from '../../worker/errors.ts';
import {
  assertReadable,
  readability,
  sentencesOf,
  textReadability,
  vagueWords,
} from '../../worker/policy/readability.ts';
import { syllablesEn, syllablesFr } from '../../worker/policy/syllables.ts';
import { parseSections } from '../../worker/policy/template.ts';

describe('syllable counters', () => {
  it('counts English syllables on known words', () => {
    const known: Record<string, number> = {
      the: 1,
      cat: 1,
      you: 1,
      your: 1,
      text: 1,
      texts: 1,
      phone: 1,
      make: 1,
      makes: 1,
      called: 1,
      said: 1,
      hello: 2,
      data: 2,
      message: 2,
      consent: 2,
      table: 2,
      simple: 2,
      people: 2,
      pages: 2,
      wanted: 2,
      because: 2,
      decide: 2,
      privacy: 3,
      policy: 3,
      beautiful: 3,
      controller: 3,
      interests: 3,
      processor: 3,
      legitimate: 4,
      information: 4,
    };
    const counted = Object.fromEntries(Object.keys(known).map((w) => [w, syllablesEn(w)]));
    expect(counted).toEqual(known);
  });

  it('counts French spoken syllables on known words, with the mute e', () => {
    const known: Record<string, number> = {
      je: 1,
      le: 1,
      que: 1,
      oui: 1,
      chaque: 1,
      pages: 1,
      parlent: 1,
      peuvent: 1,
      bonjour: 2,
      message: 2,
      données: 2,
      souvent: 2,
      moment: 2,
      donnée: 2,
      'sommes-nous': 2,
      'l’accord': 2,
      téléphone: 3,
      'aujourd’hui': 3,
      numéro: 3,
      information: 4,
      consentement: 4,
    };
    const counted = Object.fromEntries(Object.keys(known).map((w) => [w, syllablesFr(w)]));
    expect(counted).toEqual(known);
  });

  it('counts a number as one syllable and punctuation as none', () => {
    expect(syllablesEn('2026')).toBe(1);
    expect(syllablesFr('75011')).toBe(1);
    expect(syllablesFr('—')).toBe(0);
  });
});

describe('reading ease', () => {
  it('scores a known English sample with Flesch', () => {
    // 6 words, 1 sentence, 6 syllables: 206.835 - 1.015*6 - 84.6*1
    expect(textReadability('The cat sat on the mat.', 'en')).toMatchObject({
      words: 6,
      sentences: 1,
      syllables: 6,
      score: 116.1,
    });
    // 2 sentences, 7 words, 9 syllables (we-use-your-da-ta / you-can-ob-ject): 206.835 - 1.015*3.5 - 84.6*9/7
    expect(textReadability('We use your data. You can object.', 'en')).toMatchObject({
      words: 7,
      sentences: 2,
      syllables: 9,
      score: 94.5,
    });
  });

  it('scores a known French sample with Kandel–Moles', () => {
    // Le(1) chat(1) dort(1): 207 - 1.015*3 - 73.6
    expect(textReadability('Le chat dort.', 'fr')).toMatchObject({
      words: 3,
      sentences: 1,
      syllables: 3,
      score: 130.4,
    });
    // Nous(1) gardons(2) vos(1) données(2). Vous(1) pouvez(2) refuser(3): 7 words, 12 syllables, 2 sentences
    // 207 - 1.015*3.5 - 73.6*12/7 = 207 - 3.5525 - 126.17 = 77.28
    expect(textReadability('Nous gardons vos données. Vous pouvez refuser.', 'fr')).toMatchObject({
      words: 7,
      sentences: 2,
      syllables: 12,
      score: 77.3,
    });
  });

  it('reads sentences from Markdown: no headings, no comments, one unit per list item, links by their text', () => {
    const md =
      '<!-- section: x; covers: -->\n## A heading\n\nFirst one. Second one!\n\n- an item\n- see [our page](https://example.com/a.b).\n';
    expect(sentencesOf(md)).toEqual(['First one.', 'Second one!', 'an item', 'see our page.']);
    expect(sentencesOf('Write to privacy@demo-shop.fr. Or go to https://x.example/p.')).toEqual([
      'Write to link.',
      'Or go to link.',
    ]);
  });

  it('refuses legalese, naming the section and its hardest sentences', () => {
    const legalese = parseSections(
      [
        '<!-- section: easy; covers: -->',
        '## Easy',
        'We text you. You can stop.',
        '<!-- section: legal; covers: art13-2a -->',
        '## Retention',
        'Personal data processed for the purposes of direct marketing communications shall be retained for a period not exceeding that which is necessary, in accordance with applicable regulatory recommendations, whereupon it shall be irreversibly anonymised or deleted.',
      ].join('\n'),
    );
    const report = readability(legalese, 'en');
    expect(report.sections.map((s) => s.id)).toEqual(['easy', 'legal']);
    expect(report.sections[1]!.score).toBeLessThan(0);
    let error: unknown;
    try {
      assertReadable(report);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.status).toBe(422);
    expect(appError.code).toBe('policy_hard_to_read');
    expect(appError.errors?.map((e) => e.path)).toEqual(['policy.en', 'policy.en.sections.legal']);
    expect(appError.errors?.[1]?.message).toContain('“Personal data processed for the purposes of direct marketing');
    expect(appError.extensions.readability).toMatchObject({
      locale: 'en',
      formula: 'flesch',
      sections: { easy: report.sections[0]!.score },
    });
  });

  it('passes a plain text', () => {
    const report = readability(parseSections('<!-- section: a; covers: -->\n## A\nWe text you. You can stop.\n'), 'en');
    expect(() => assertReadable(report)).not.toThrow();
  });

  it('warns on vague words with the sentence, but not on mandated carrier wording', () => {
    expect(vagueWords('We may share some data. Message and data rates may apply.', 'en', 'x')).toEqual([
      { code: 'vague_word', section: 'x', word: 'may', sentence: 'We may share some data.' },
      { code: 'vague_word', section: 'x', word: 'some', sentence: 'We may share some data.' },
    ]);
    expect(
      vagueWords(
        'Nous pourrions éventuellement partager certaines données. Des frais de messages et de données peuvent s’appliquer.',
        'fr',
      ),
    ).toEqual([expect.objectContaining({ word: 'éventuellement' }), expect.objectContaining({ word: 'certaines' })]);
  });

  it('refuses a locale it has no formula for', () => {
    expect(() => textReadability('Hallo.', 'de')).toThrow(/No reading-ease formula/);
  });
});
