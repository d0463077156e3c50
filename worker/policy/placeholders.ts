// Finds text that stands in for a fact instead of stating it ("…", TODO, lorem ipsum, example.com), anywhere in a
// value, so a policy never publishes words the controller did not actually declare.
import type { FieldError } from '../errors.ts';

/** What each pattern looks like to the reader of the error, and the pattern. */
const PATTERNS: [string, RegExp][] = [
  ['an ellipsis', /…|\.\.\./],
  ['a to-do marker', /\b(?:todo|tbd|tbc|fixme|changeme|xxx+)\b/i],
  ['lorem ipsum', /\blorem\b|\bipsum\b/i],
  // "example", example.com and the names reserved for documentation and tests (RFC 2606, RFC 6761).
  ['an example name', /\bexample\b/i],
  ['a reserved domain', /(?<![a-z0-9-])[a-z0-9-]+\.(?:test|invalid|localhost)\b/i],
  ['a template slot', /\{\{|\}\}|<\s*(?:your|votre)\b|\[\s*(?:your|votre)\b/i],
];

/** Why `text` looks like a placeholder, or null when it reads as a real statement. */
export function placeholderIn(text: string): string | null {
  if (text.trim() === '') return 'an empty text';
  for (const [what, pattern] of PATTERNS) if (pattern.test(text)) return what;
  return null;
}

/** One field error per string in `value` that looks like a placeholder; paths are dotted from `prefix`. */
export function placeholderErrors(value: unknown, prefix: string): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string) => {
    if (typeof node === 'string') {
      const what = placeholderIn(node);
      if (what) errors.push({ path, message: `This looks like a placeholder (${what}): state the real fact.` });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, `${path}.${i}`);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) visit(item, path ? `${path}.${key}` : key);
    }
  };
  visit(value, prefix);
  return errors;
}
