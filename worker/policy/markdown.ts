// A small, safe Markdown-to-HTML renderer for what policy templates use: headings, paragraphs, lists, links,
// bold and italics. Every character of the input is HTML-escaped; raw HTML is never passed through, and links
// keep only http(s), mailto and same-site targets.

import { escapeHtml } from '../pages/escape.ts';

const PUNCT = /[!-/:-@[-`{-~]/;

function safeHref(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^(https?:\/\/|mailto:)/i.test(trimmed) || /^[/#?](?!\/)/.test(trimmed)) return trimmed;
  return undefined;
}

/** Index of the next unescaped `delimiter` at or after `from`, preceded by a non-space, or -1. */
function findClose(text: string, from: number, delimiter: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text.startsWith(delimiter, i) && i > from && !/\s/.test(text[i - 1]!)) return i;
  }
  return -1;
}

function matchLink(text: string, start: number): { label: string; href: string; end: number } | undefined {
  const labelEnd = findClose(text, start + 1, ']');
  if (labelEnd < 0 || text[labelEnd + 1] !== '(') return undefined;
  let href = '';
  for (let i = labelEnd + 2; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) href += text[++i];
    else if (c === ')') return { label: text.slice(start + 1, labelEnd), href, end: i + 1 };
    else if (/\s/.test(c)) return undefined;
    else href += c;
  }
  return undefined;
}

export function inlineToHtml(text: string, inLink = false): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && PUNCT.test(text[i + 1]!)) {
      out += escapeHtml(text[i + 1]!);
      i += 2;
      continue;
    }
    if (c === '[' && !inLink) {
      const link = matchLink(text, i);
      const href = link && safeHref(link.href);
      if (link && href) {
        out += `<a href="${escapeHtml(href)}">${inlineToHtml(link.label, true)}</a>`;
        i = link.end;
        continue;
      }
    }
    const strong = text.startsWith('**', i) || text.startsWith('__', i);
    if (strong || c === '*' || c === '_') {
      const delimiter = strong ? text.slice(i, i + 2) : c;
      const open = i + delimiter.length;
      const close = /\s/.test(text[open] ?? ' ') ? -1 : findClose(text, open, delimiter);
      if (close > open) {
        const tag = strong ? 'strong' : 'em';
        out += `<${tag}>${inlineToHtml(text.slice(open, close), inLink)}</${tag}>`;
        i = close + delimiter.length;
        continue;
      }
    }
    out += escapeHtml(c);
    i++;
  }
  return out;
}

export interface MarkdownOptions {
  /** Gives a heading an id attribute, e.g. so a table of contents can link to it. */
  headingId?: (text: string, level: number, index: number) => string | undefined;
  /** Added to every heading level (1 turns `#` into h2), capped at h6. */
  headingShift?: number;
}

export const COMMENT_LINE = /^\s*<!--.*-->\s*$/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

export function markdownToHtml(markdown: string, options: MarkdownOptions = {}): string {
  const { headingId, headingShift = 0 } = options;
  const html: string[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; items: string[] } | undefined;
  let headings = 0;
  const flushParagraph = () => {
    if (paragraph.length) html.push(`<p>${inlineToHtml(paragraph.join('\n'))}</p>`);
    paragraph = [];
  };
  const flushList = () => {
    if (!list) return;
    const tag = list.ordered ? 'ol' : 'ul';
    html.push(`<${tag}>${list.items.map((item) => `<li>${inlineToHtml(item)}</li>`).join('')}</${tag}>`);
    list = undefined;
  };
  // Only whole-line comments (the section markers) are dropped; escaped text can never start a line with `<`.
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !COMMENT_LINE.test(line));
  for (const line of lines) {
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const item = LIST_ITEM.exec(line);
    if (line.trim() === '') {
      flushParagraph();
      flushList();
    } else if (heading) {
      flushParagraph();
      flushList();
      const level = Math.min(6, heading[1]!.length + headingShift);
      const text = heading[2]!;
      const id = headingId?.(text, level, headings++);
      html.push(`<h${level}${id ? ` id="${escapeHtml(id)}"` : ''}>${inlineToHtml(text)}</h${level}>`);
    } else if (item) {
      flushParagraph();
      const ordered = /\d/.test(item[1]!);
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push(item[2]!);
    } else if (list && /^\s+\S/.test(line)) {
      list.items[list.items.length - 1] += `\n${line.trim()}`;
    } else {
      flushList();
      paragraph.push(line.trim());
    }
  }
  flushParagraph();
  flushList();
  return html.join('\n');
}
