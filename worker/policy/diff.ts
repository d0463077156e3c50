// What changed between two policy versions: sections added, removed or changed (with a word-level diff),
// and whether the change is material (purposes, recipients or transfers), which calls for fresh consent.
import type { PolicyFacts } from './facts.ts';
import type { PolicySection } from './template.ts';
import { canonicalize } from '../crypto/jcs.ts';

export interface DiffPart {
  op: 'same' | 'add' | 'del';
  text: string;
}

export type SectionChange =
  | { kind: 'added'; id: string; title: string; markdown: string }
  | { kind: 'removed'; id: string; title: string; markdown: string }
  | { kind: 'changed'; id: string; title: string; oldTitle: string; parts: DiffPart[] }
  | { kind: 'unchanged'; id: string; title: string };

type Section = Pick<PolicySection, 'id' | 'title' | 'markdown'>;

// Past this many LCS cells the diff falls back to lines, keeping CPU bounded on an edge worker.
const MAX_CELLS = 4_000_000;

/** Longest-common-subsequence diff of two token lists, merged into runs. */
export function diffTokens(a: readonly string[], b: readonly string[]): DiffPart[] {
  // Trim the common head and tail first: most edits touch a few words of a long section.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  const raw: DiffPart[] = a.slice(0, start).map((text) => ({ op: 'same', text }));
  if (n * m > MAX_CELLS) {
    raw.push({ op: 'del', text: midA.join('') }, { op: 'add', text: midB.join('') });
  } else {
    // lengths[i][j] = LCS length of midA[i:] and midB[j:], in one flat array.
    const lengths = new Uint32Array((n + 1) * (m + 1));
    const at = (i: number, j: number) => i * (m + 1) + j;
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[at(i, j)] =
          midA[i] === midB[j]
            ? lengths[at(i + 1, j + 1)]! + 1
            : Math.max(lengths[at(i + 1, j)]!, lengths[at(i, j + 1)]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        raw.push({ op: 'same', text: midA[i++]! });
        j++;
      } else if (i < n && (j === m || lengths[at(i + 1, j)]! >= lengths[at(i, j + 1)]!))
        raw.push({ op: 'del', text: midA[i++]! });
      else raw.push({ op: 'add', text: midB[j++]! }); // removals before additions: reads as "3 → 2"
    }
  }
  raw.push(...a.slice(endA).map((text): DiffPart => ({ op: 'same', text })));
  const merged: DiffPart[] = [];
  for (const part of raw) {
    const last = merged[merged.length - 1];
    if (part.text === '') continue;
    if (last && last.op === part.op) last.text += part.text;
    else merged.push({ ...part });
  }
  return merged;
}

/** Words with the whitespace that follows them, so joining the parts gives back the text exactly. */
export function wordTokens(text: string): string[] {
  return text.match(/\s+|[^\s]+\s*/g) ?? [];
}

export function diffText(oldText: string, newText: string): DiffPart[] {
  return diffTokens(wordTokens(oldText), wordTokens(newText));
}

/** Section-by-section comparison, in the new version's order, with removed sections where they used to be. */
export function diffSections(oldSections: readonly Section[], newSections: readonly Section[]): SectionChange[] {
  const oldById = new Map(oldSections.map((s) => [s.id, s]));
  const newIds = new Set(newSections.map((s) => s.id));
  const changes: SectionChange[] = [];
  let removedCursor = 0;
  const pushRemovedBefore = (index: number) => {
    // Removed sections that sat before old section `index` are listed before it.
    while (removedCursor < index) {
      const old = oldSections[removedCursor++]!;
      if (!newIds.has(old.id)) changes.push({ kind: 'removed', id: old.id, title: old.title, markdown: old.markdown });
    }
  };
  for (const section of newSections) {
    const old = oldById.get(section.id);
    if (!old) {
      changes.push({ kind: 'added', id: section.id, title: section.title, markdown: section.markdown });
      continue;
    }
    pushRemovedBefore(oldSections.indexOf(old));
    if (old.markdown === section.markdown) changes.push({ kind: 'unchanged', id: section.id, title: section.title });
    else {
      changes.push({
        kind: 'changed',
        id: section.id,
        title: section.title,
        oldTitle: old.title,
        parts: diffText(old.markdown, section.markdown),
      });
    }
  }
  pushRemovedBefore(oldSections.length);
  return changes;
}

/** JSON with object keys sorted (RFC 8785), so equal values give equal strings whatever the key order. */
export const canonicalJson = (value: unknown): string => canonicalize(value);

/** A list whose order carries no meaning, as a canonical string. */
function unordered(list: unknown): string {
  return Array.isArray(list) ? `[${list.map(canonicalJson).sort().join(',')}]` : canonicalJson(list);
}

export type MaterialField = 'purposes' | 'recipients' | 'transfers';

/**
 * The material fields that differ: a change to why data is used, who receives it or where it goes means
 * existing consents were given to something else and must be renewed. Wording elsewhere is not material.
 * Any edit inside those fields counts, even a reworded description: a person must judge it, not a heuristic.
 */
export function materialChanges(oldFacts: PolicyFacts, newFacts: PolicyFacts): MaterialField[] {
  const fields: MaterialField[] = ['purposes', 'recipients', 'transfers'];
  return fields.filter((field) => unordered(oldFacts[field]) !== unordered(newFacts[field]));
}
