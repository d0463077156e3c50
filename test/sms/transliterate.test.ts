import { describe, expect, it } from 'vitest';
import { analyse, isGsm7 } from '../../worker/sms/segments.ts';
import { transliterate } from '../../worker/sms/transliterate.ts';

describe('transliterate', () => {
  it('replaces only what GSM-7 cannot carry, and says what it replaced', () => {
    const input = 'Ça coûte 5 € : Noël, l’été «\u00a0très\u00a0» français… — Ç É è à ù';
    const { text, replaced, remaining } = transliterate(input);
    expect(text).toBe('Ça coute 5 € : Noel, l\'été " très " francais... - Ç É è à ù');
    expect(isGsm7(text)).toBe(true);
    expect(remaining).toEqual([]);
    expect(replaced).toEqual([
      { from: 'û', to: 'u', count: 1 },
      { from: 'ë', to: 'e', count: 1 },
      { from: '’', to: "'", count: 1 },
      { from: '«', to: '"', count: 1 },
      { from: '\u00a0', to: ' ', count: 2 },
      { from: '»', to: '"', count: 1 },
      { from: 'ç', to: 'c', count: 1 },
      { from: '…', to: '...', count: 1 },
      { from: '—', to: '-', count: 1 },
    ]);
  });

  it.each([
    ['ê', 'e'],
    ['â', 'a'],
    ['î', 'i'],
    ['ô', 'o'],
    ['û', 'u'],
    ['ë', 'e'],
    ['ï', 'i'],
    ['œ', 'oe'],
    ['Œ', 'OE'],
    ['È', 'E'],
    ['Ê', 'E'],
    ['À', 'A'],
    ['Ô', 'O'],
    ['ÿ', 'y'],
    ['á', 'a'],
    ['–', '-'],
    ['“', '"'],
    ['”', '"'],
    ['\u202f', ' '],
    ['\u2009', ' '],
    ['\u200b', ''],
  ])('%s → %s', (from, to) => {
    expect(transliterate(`a${from}b`).text).toBe(`a${to}b`);
  });

  it('leaves GSM-7 letters alone, including é, è, à, ù, Ç, Ä, ñ', () => {
    const gsm = 'é è à ù ì ò Ç É Ä Ö Ñ Ü ä ö ñ ü ß Æ æ Ø ø Å å';
    expect(transliterate(gsm)).toEqual({ text: gsm, replaced: [], remaining: [] });
  });

  it('reports what it cannot replace; the text then stays UCS-2', () => {
    const result = transliterate('Soldes 🎉 à 50 % ☺');
    expect(result.remaining).toEqual(['🎉', '☺']);
    expect(analyse(result.text).encoding).toBe('UCS-2');
  });

  it('treats a decomposed accent as the character it displays', () => {
    expect(transliterate('e\u0302te\u0301').text).toBe('eté');
  });

  it('saves segments on a typical French promotion', () => {
    const promo =
      'Demo Shop : -20 % sur toute la boutique ce week-end, même sur les nouveautés ! Profitez-en vite, l’offre s’arrête dimanche soir. STOP au 36111';
    expect(analyse(promo)).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(analyse(transliterate(promo).text)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });
});
