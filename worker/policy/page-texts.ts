// Interface words of the policy and diff pages, per locale (the policy text itself comes from the templates).
import { formatDay } from '../pages/when.ts';

export interface PageTexts {
  skip: string;
  versionLine: (version: number, date: string) => string;
  contents: string;
  readability: string;
  readabilityHelp: (overall: number, section: number) => string;
  formula: { flesch: string; 'kandel-moles': string };
  overall: string;
  section: string;
  score: string;
  versions: string;
  thisVersion: string;
  changesFrom: (from: number) => string;
  formats: string;
  markdown: string;
  json: string;
  diffTitle: (from: number, to: number) => string;
  added: string;
  removed: string;
  changed: string;
  unchanged: string;
  noChange: string;
  legend: string;
  inserted: string;
  deleted: string;
  back: (version: number) => string;
  versionsTitle: (site: string) => string;
  noVersion: string;
}

const en: PageTexts = {
  skip: 'Skip to the policy',
  versionLine: (v, date) => `Version ${v} — published on ${date}`,
  contents: 'Contents',
  readability: 'How easy this page is to read',
  readabilityHelp: (overall, section) =>
    `The higher the score, the easier the text: 100 is very easy, and a very plain text can score above 100. We publish only when the whole page scores ${overall} or more and each section ${section} or more.`,
  formula: { flesch: 'Flesch reading ease', 'kandel-moles': 'Kandel–Moles reading ease' },
  overall: 'Whole page',
  section: 'Section',
  score: 'Score',
  versions: 'All versions',
  thisVersion: 'this version',
  changesFrom: (from) => `what changed since version ${from}`,
  formats: 'Other formats:',
  markdown: 'Markdown (exact published text)',
  json: 'JSON',
  diffTitle: (from, to) => `What changed from version ${from} to version ${to}`,
  added: 'New section',
  removed: 'Removed section',
  changed: 'Changed section',
  unchanged: 'Sections with no change',
  noChange: 'Nothing changed in the text.',
  legend: 'Added words are underlined and marked “added”. Removed words are struck through and marked “removed”.',
  inserted: 'added',
  deleted: 'removed',
  back: (v) => `Read version ${v}`,
  versionsTitle: (site) => `${site}: every version of the privacy policy`,
  noVersion: 'No version is published yet.',
};

const fr: PageTexts = {
  skip: 'Aller au texte',
  versionLine: (v, date) => `Version ${v} — publiée le ${date}`,
  contents: 'Sommaire',
  readability: 'Facilité de lecture de cette page',
  readabilityHelp: (overall, section) =>
    `Plus le score est élevé, plus le texte est facile : 100 signale un texte très facile, et un texte très simple peut dépasser 100. Nous publions seulement si la page entière obtient ${overall} ou plus et chaque section ${section} ou plus.`,
  formula: { flesch: 'Indice de Flesch', 'kandel-moles': 'Indice de Kandel et Moles' },
  overall: 'Page entière',
  section: 'Section',
  score: 'Score',
  versions: 'Toutes les versions',
  thisVersion: 'cette version',
  changesFrom: (from) => `ce qui a changé depuis la version ${from}`,
  formats: 'Autres formats\u00a0:',
  markdown: 'Markdown (texte publié exact)',
  json: 'JSON',
  diffTitle: (from, to) => `Ce qui a changé de la version ${from} à la version ${to}`,
  added: 'Nouvelle section',
  removed: 'Section retirée',
  changed: 'Section modifiée',
  unchanged: 'Sections sans changement',
  noChange: 'Le texte n’a pas changé.',
  legend: 'Les mots ajoutés sont soulignés et marqués « ajouté ». Les mots retirés sont barrés et marqués « retiré ».',
  inserted: 'ajouté',
  deleted: 'retiré',
  back: (v) => `Lire la version ${v}`,
  versionsTitle: (site) => `${site}\u00a0: toutes les versions de la politique de confidentialité`,
  noVersion: 'Aucune version n’est encore publiée.',
};

const TEXTS: Record<string, PageTexts> = { en, fr };

export function pageTexts(locale: string): PageTexts {
  return TEXTS[locale.slice(0, 2)] ?? en;
}

/** A day as the locale writes it: "1er novembre 2026" in French; the one helper the pages and console share. */
export const formatDate = (date: string | Date, locale: string, timeZone = 'UTC'): string =>
  formatDay(date, locale, timeZone);

/** A score with one decimal, as the locale writes it ("97,2" in French). */
export function formatScore(score: number, locale: string): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
    Math.round(score * 10) / 10,
  );
}
