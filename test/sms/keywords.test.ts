import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classify, COURTESY, KEYWORDS, normaliseKeyword, type KeywordAction } from '../../worker/sms/keywords.ts';

const ALL: [KeywordAction, string][] = (Object.entries(KEYWORDS) as [KeywordAction, readonly string[]][]).flatMap(
  ([action, words]) => words.map((w): [KeywordAction, string] => [action, w]),
);
const KEYWORD_SET = new Set(ALL.map(([, k]) => k));

const WHITESPACE = [' ', '\t', '\n', '\r', '\u00a0', '\u202f', '\u2009', '\u2003', '\u3000', '\ufeff'];
const PUNCTUATION = ['', '.', '!', ' !', '!!', '?', '...', '…', ' .'];
const MARKS = ['\u0300', '\u0301', '\u0302', '\u0303', '\u0308', '\u030a', '\u0327', '\u030c'];

// U+FEFF is whitespace to JS but an invisible format character on screen: it may pad, never separate.
const SEPARATORS = WHITESPACE.filter((w) => w !== '\ufeff');
const separator = fc
  .tuple(fc.constantFrom(...SEPARATORS), fc.array(fc.constantFrom(...WHITESPACE), { maxLength: 2 }))
  .map(([first, rest]) => first + rest.join(''));
const whitespaceRun = (min: number) =>
  fc.array(fc.constantFrom(...WHITESPACE), { minLength: min, maxLength: 3 }).map((a) => a.join(''));

/** A keyword as someone might type it: any casing, accents on any letter, any whitespace, a final "!". */
function variantOf(keyword: string) {
  const letters = [...keyword];
  return fc
    .tuple(
      fc.array(fc.tuple(fc.boolean(), fc.option(fc.constantFrom(...MARKS), { nil: undefined })), {
        minLength: letters.length,
        maxLength: letters.length,
      }),
      whitespaceRun(0),
      separator,
      whitespaceRun(0),
      fc.constantFrom(...PUNCTUATION),
      fc.boolean(),
    )
    .map(([shapes, lead, inner, trail, punct, compose]) => {
      const body = letters
        .map((ch, i) => {
          if (ch === ' ') return inner;
          const [lower, mark] = shapes[i] as [boolean, string | undefined];
          return (lower ? ch.toLowerCase() : ch) + (mark ?? '');
        })
        .join('');
      const typed = `${lead}${body}${punct}${trail}`;
      // Phones send precomposed letters (é) as often as decomposed ones (e + U+0301).
      return compose ? typed.normalize('NFC') : typed;
    });
}

describe('classify', () => {
  it('maps every casing / accent / whitespace variant of every keyword to its action', () => {
    for (const [action, keyword] of ALL) {
      fc.assert(
        fc.property(variantOf(keyword), (typed) => {
          expect(classify(typed)).toEqual({ action, keyword });
        }),
        { numRuns: 150 },
      );
    }
  });

  it('maps nothing else: a match always spells a keyword in its letters', () => {
    const skeleton = (s: string) =>
      s
        .normalize('NFKD')
        .replace(/[^A-Za-z]/g, '')
        .toUpperCase();
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 })), (s) => {
        const result = classify(s);
        if (result === null) expect(KEYWORD_SET.has(normaliseKeyword(s))).toBe(false);
        else if (result.action !== 'opt-out') expect(skeleton(s)).toBe(result.keyword.replace(/[ -]/g, ''));
        else {
          // An opt-out's letters, on one of its lines: its keyword, perhaps said again, and words of courtesy.
          const leftOver = (line: string) => {
            let rest = ` ${normaliseKeyword(line).replace(/[^A-Z ]/g, ' ')} `;
            for (const word of [...COURTESY].sort((a, b) => b.length - a.length))
              rest = rest.replaceAll(` ${word} `, ' ');
            return rest.replace(/[^A-Z]/g, '').replaceAll(result.keyword.replace(/[ -]/g, ''), '');
          };
          expect([s, ...s.split(/\r\n|[\n\r\u2028\u2029\u0085]/u)].map(leftOver)).toContain('');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects near misses: a letter more or less, or any extra word', () => {
    const extraWord = fc.stringMatching(/^[a-zA-Z]{1,8}$/);
    for (const [, keyword] of ALL) {
      fc.assert(
        fc.property(extraWord, fc.nat(keyword.length), fc.constantFrom('A', 'x', 'Z'), (word, at, letter) => {
          const inserted = keyword.slice(0, at) + letter + keyword.slice(at);
          const removed = keyword.slice(0, at) + keyword.slice(at + 1);
          for (const candidate of [inserted, removed, `${keyword} ${word}`, `${word} ${keyword}`]) {
            if (KEYWORD_SET.has(normaliseKeyword(candidate))) continue; // "STOP" + " SMS" is itself a keyword
            // An opt-out said twice or with courtesy ("STOP stop", "STOP svp") is meant: the cases above.
            const extra = normaliseKeyword(word);
            if (COURTESY.includes(extra) || extra === keyword) continue;
            expect(classify(candidate)).toBeNull();
          }
        }),
        { numRuns: 60 },
      );
    }
  });

  it.each([
    ['STOP', 'opt-out', 'STOP'],
    ['  stop  ', 'opt-out', 'STOP'],
    ['Arrêt', 'opt-out', 'ARRET'],
    ['ARRÊTE !', 'opt-out', 'ARRETE'],
    ['stop\u00a0\u00a0sms', 'opt-out', 'STOP SMS'],
    ['Désabonner.', 'opt-out', 'DESABONNER'],
    ['Ｓｔｏｐ', 'opt-out', 'STOP'],
    ['oui', 'confirm', 'OUI'],
    ['Oui !', 'confirm', 'OUI'],
    ['o', 'confirm', 'O'],
    ['Ô', 'confirm', 'O'],
    ['y', 'confirm', 'Y'],
    ['unstop', 'opt-in', 'UNSTOP'],
    ['Aide', 'help', 'AIDE'],
    // Quotes around the message, courtesy, the keyword twice, and the phrasings subscribers use.
    ['«STOP»', 'opt-out', 'STOP'],
    ['« Stop »', 'opt-out', 'STOP'],
    ['"oui"', 'confirm', 'OUI'],
    ['STOP please', 'opt-out', 'STOP'],
    ['please stop', 'opt-out', 'STOP'],
    ['Stop svp', 'opt-out', 'STOP'],
    ['Stop, merci !', 'opt-out', 'STOP'],
    ['stop s’il vous plaît', 'opt-out', 'STOP'],
    ['Merci beaucoup, stop.', 'opt-out', 'STOP'],
    ['STOP STOP', 'opt-out', 'STOP'],
    ['arrêt arrêt arrêt', 'opt-out', 'ARRET'],
    ['Arrêter', 'opt-out', 'ARRETER'],
    ['Se désabonner', 'opt-out', 'SE DESABONNER'],
    ['désinscription svp', 'opt-out', 'DESINSCRIPTION'],
    ['opt out', 'opt-out', 'OPT OUT'],
    ['Opt-out', 'opt-out', 'OPT-OUT'],
    ['Stop all', 'opt-out', 'STOP ALL'],
    // Emoji, a signature under the STOP, a greeting above it, a French imperative.
    ['STOP 🛑', 'opt-out', 'STOP'],
    ['🙏 stop', 'opt-out', 'STOP'],
    ['Stop👍🏽', 'opt-out', 'STOP'],
    ['ARRÊT ✋ merci', 'opt-out', 'ARRET'],
    ['STOP\n\nEnvoyé de mon iPhone', 'opt-out', 'STOP'],
    ['Stop.\r\n-- \r\nJean Dupont', 'opt-out', 'STOP'],
    ['Bonjour,\nstop svp\nMarie', 'opt-out', 'STOP'],
    ['Arrêtez !', 'opt-out', 'ARRETEZ'],
  ])('%j → %s', (typed, action, keyword) => {
    expect(classify(typed)).toEqual({ action, keyword });
  });

  it.each([
    'stop it',
    "don't stop",
    'STOP START',
    'Stop pas',
    'merci',
    'svp',
    'OUI merci', // a consent is not read through courtesy: only an opt-out is
    'OUI OUI',
    'oui 👍', // nor through emoji
    'OUI\nEnvoyé de mon iPhone', // nor from one line of several
    'Bonjour\nje ne veux pas que ça stop',
    'STOPP',
    'STO P',
    'S T O P',
    '#STOP',
    'STOP-SMS',
    'non',
    'no',
    '',
    '   ',
    '!',
  ])('%j is not a keyword', (typed) => {
    expect(classify(typed)).toBeNull();
  });
});
