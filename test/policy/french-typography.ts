// What French typography requires of a text a French reader sees, as a list of problems (empty when it is right):
// a narrow no-break space (U+202F) before ; ! ?, a no-break space (U+00A0, or the narrow one) before :, « » with no-break spaces
// inside, one apostrophe (’), decimal commas. Addresses, placeholders and code are taken out first; times (11:00) and
// ratios between digits are not punctuation.

/** HTML to the text a reader sees: no tags, scripts, styles or comments; entities decoded. */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style|template|pre|code)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const STRIP: RegExp[] = [
  /\b(?:https?:\/\/|mailto:)[^\s)\]>"]+/g, // addresses (before the template tags they may hold)
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, // e-mails
  /\{\{[\s\S]*?\}\}/g, // template tags
  /\{\w+\}/g, // page placeholders
  /`[^`]*`/g, // code in Markdown
  /\b[0-9a-f]{16,}\b/gi, // hashes
];

export function typographyProblems(input: string): string[] {
  let text = input;
  for (const pattern of STRIP) text = text.replace(pattern, ' ');
  const problems: string[] = [];
  const around = (i: number) => JSON.stringify(text.slice(Math.max(0, i - 25), i + 10));
  for (const m of text.matchAll(/'/g)) problems.push(`straight apostrophe in ${around(m.index!)}`);
  for (const m of text.matchAll(/(?<!\u202f)[;!?]/g)) {
    const before = text[m.index! - 1];
    if (before === undefined || before === '\n' || /[(]/.test(before)) continue;
    problems.push(`no narrow no-break space before “${m[0]}” in ${around(m.index!)}`);
  }
  for (const m of text.matchAll(/(?<![\u00a0\u202f]):/g)) {
    const before = text[m.index! - 1] ?? '';
    const after = text[m.index! + 1] ?? '';
    if (/\d/.test(before) && /\d/.test(after)) continue; // 11:00, 16:9
    if (before === '' || before === '\n') continue;
    problems.push(`no no-break space before “:” in ${around(m.index!)}`);
  }
  for (const m of text.matchAll(/«(?![\u00a0\u202f])/g))
    problems.push(`no no-break space after « in ${around(m.index!)}`);
  for (const m of text.matchAll(/(?<![\u00a0\u202f])»/g))
    problems.push(`no no-break space before » in ${around(m.index!)}`);
  for (const m of text.matchAll(/(?<![\d.,])\d+\.\d+(?![\d.])/g)) {
    if (
      /^\d+\.\d+$/.test(m[0]) &&
      /(?:art(?:icle)?\.?|RGPD|GDPR|version|v)\s*$/i.test(text.slice(Math.max(0, m.index! - 12), m.index!))
    )
      continue;
    problems.push(`decimal point in ${around(m.index!)}`);
  }
  return problems;
}

/** Every string inside a value (texts objects, functions called with sample arguments). */
export function stringsOf(value: unknown, sample: unknown[] = [2, '1er novembre 2026']): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'function') return stringsOf((value as (...a: unknown[]) => unknown)(...sample));
  if (Array.isArray(value)) return value.flatMap((v) => stringsOf(v, sample));
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap((v) => stringsOf(v, sample));
  return [];
}
