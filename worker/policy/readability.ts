// Plain-language gate for rendered policies: reading ease per section and overall (Flesch for English,
// Kandel–Moles for French), the hardest sentences, and a lint for vague words (WP29 guidelines WP260).
import { AppError } from '../errors.ts';
import { syllablesEn, syllablesFr } from './syllables.ts';
import type { PolicySection } from './template.ts';

export const minOverallScore = 60;
export const minSectionScore = 45;

export type Formula = 'flesch' | 'kandel-moles';

interface Language {
  formula: Formula;
  syllables: (word: string) => number;
  ease: (wordsPerSentence: number, syllablesPerWord: number) => number;
  vague: RegExp;
  /** Wording required by carriers or law that would otherwise trip the vague-word lint. */
  mandated: RegExp[];
}

const LANGUAGES: Record<string, Language> = {
  en: {
    formula: 'flesch',
    syllables: syllablesEn,
    ease: (wps, spw) => 206.835 - 1.015 * wps - 84.6 * spw,
    vague:
      /\b(may|might|some|often|possible|possibly|could|certain|various|generally|usually|sometimes|perhaps|potentially|likely|appropriate|etc)\b/giu,
    mandated: [/message and data rates may apply/giu],
  },
  fr: {
    formula: 'kandel-moles',
    syllables: syllablesFr,
    ease: (wps, spw) => 207 - 1.015 * wps - 73.6 * spw,
    vague:
      /(?<![\p{L}])(peut|peuvent|pourrait|pourraient|pourra|pourront|certains?|certaines?|souvent|possibles?|possiblement|éventuellement|parfois|divers|diverses|généralement|notamment|susceptibles?|le cas échéant|etc)(?![\p{L}])/giu,
    mandated: [/des frais de messages? et de données peuvent s[’']appliquer/giu],
  },
};

function language(locale: string): Language {
  const lang = LANGUAGES[locale.slice(0, 2).toLowerCase()];
  if (!lang) throw new AppError('policy_locale_unsupported', 422, `No reading-ease formula for locale "${locale}".`);
  return lang;
}

export interface TextScore {
  score: number;
  words: number;
  sentences: number;
  syllables: number;
}

export interface SentenceScore extends TextScore {
  text: string;
}

export interface SectionReadability extends TextScore {
  id: string;
  title: string;
  /** Up to three sentences, hardest first. */
  hardest: SentenceScore[];
}

export interface VagueWordWarning {
  code: 'vague_word';
  section: string;
  word: string;
  sentence: string;
}

export interface ReadabilityReport {
  locale: string;
  formula: Formula;
  overall: TextScore & { hardest: SentenceScore[] };
  sections: SectionReadability[];
  warnings: VagueWordWarning[];
}

// Addresses are read as one unit, not spelled out, so they count as one short word.
const URL_OR_EMAIL = /\b(?:https?:\/\/|mailto:)[^\s)]*[^\s).,;:!?]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gu;

/**
 * The sentences a reader reads in a Markdown section: headings and HTML comments are left out (they are
 * signposts, and counting them would flatter the score), each list item and paragraph is split at . ! ? …
 */
export function sentencesOf(markdown: string): string[] {
  const units: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) units.push(paragraph.join(' '));
    paragraph = [];
  };
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^#{1,6}\s/.test(line) || /^<!--.*-->$/.test(line)) flush();
    else if (/^([-*+]|\d+[.)])\s+/.test(line)) {
      flush();
      paragraph.push(line.replace(/^([-*+]|\d+[.)])\s+/, ''));
    } else paragraph.push(line);
  }
  flush();
  return units
    .map(inlineText)
    .flatMap((unit) => unit.split(/(?<=[.!?…])\s+/u))
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

function inlineText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\((?:\\.|[^)\\])*\)/g, '$1')
    .replace(/\\(.)|[*_`]+/g, (_m, c: string | undefined) => c ?? '')
    .replace(URL_OR_EMAIL, 'link')
    .replace(/\s+/g, ' ');
}

function wordsOf(sentence: string): string[] {
  return sentence.match(/[\p{L}\p{N}]+(?:[’'-][\p{L}\p{N}]+)*/gu) ?? [];
}

function scoreOf(lang: Language, sentences: string[]): TextScore {
  let words = 0;
  let syllables = 0;
  for (const sentence of sentences) {
    for (const word of wordsOf(sentence)) {
      words += 1;
      syllables += lang.syllables(word);
    }
  }
  const score = words === 0 ? 100 : lang.ease(words / sentences.length, syllables / words);
  return { score: Math.round(score * 10) / 10, words, sentences: sentences.length, syllables };
}

/** Reading ease of a plain or Markdown text, with its sentences scored one by one. */
export function textReadability(markdown: string, locale: string): TextScore & { sentenceScores: SentenceScore[] } {
  const lang = language(locale);
  const sentences = sentencesOf(markdown);
  return {
    ...scoreOf(lang, sentences),
    sentenceScores: sentences.map((text) => ({ text, ...scoreOf(lang, [text]) })),
  };
}

const hardestFirst = (list: SentenceScore[], n = 3) => [...list].sort((a, b) => a.score - b.score).slice(0, n);

export function vagueWords(markdown: string, locale: string, section = ''): VagueWordWarning[] {
  const lang = language(locale);
  const warnings: VagueWordWarning[] = [];
  for (const sentence of sentencesOf(markdown)) {
    const checked = lang.mandated.reduce((text, phrase) => text.replace(phrase, ' '), sentence);
    for (const match of checked.matchAll(lang.vague)) {
      warnings.push({ code: 'vague_word', section, word: match[0].toLowerCase(), sentence });
    }
  }
  return warnings;
}

export function readability(sections: readonly PolicySection[], locale: string): ReadabilityReport {
  const lang = language(locale);
  const perSection = sections.map((section) => {
    const { sentenceScores, ...score } = textReadability(section.markdown, locale);
    return { id: section.id, title: section.title, ...score, hardest: hardestFirst(sentenceScores), sentenceScores };
  });
  const all = perSection.flatMap((s) => s.sentenceScores);
  return {
    locale,
    formula: lang.formula,
    overall: {
      ...scoreOf(
        lang,
        all.map((s) => s.text),
      ),
      hardest: hardestFirst(all),
    },
    sections: perSection.map(({ sentenceScores: _unused, ...rest }) => rest),
    warnings: sections.flatMap((s) => vagueWords(s.markdown, locale, s.id)),
  };
}

const quote = (s: SentenceScore) => `“${s.text}” (${s.score})`;

/** Refuses (422) a policy whose overall score is under 60 or with a section under 45, naming the worst sentences. */
export function assertReadable(report: ReadabilityReport): void {
  const errors: { path: string; message: string }[] = [];
  if (report.overall.score < minOverallScore) {
    errors.push({
      path: `policy.${report.locale}`,
      message: `Reading ease ${report.overall.score} is below ${minOverallScore}. Hardest sentences: ${report.overall.hardest.map(quote).join('; ')}`,
    });
  }
  for (const section of report.sections) {
    if (section.score >= minSectionScore) continue;
    errors.push({
      path: `policy.${report.locale}.sections.${section.id}`,
      message: `Reading ease ${section.score} is below ${minSectionScore}. Hardest sentences: ${section.hardest.map(quote).join('; ')}`,
    });
  }
  if (errors.length === 0) return;
  throw new AppError(
    'policy_hard_to_read',
    422,
    `The ${report.locale} policy is too hard to read (${report.formula} reading ease).`,
    {
      errors,
      extensions: {
        readability: {
          locale: report.locale,
          formula: report.formula,
          overall: report.overall.score,
          sections: Object.fromEntries(report.sections.map((s) => [s.id, s.score])),
        },
      },
    },
  );
}
