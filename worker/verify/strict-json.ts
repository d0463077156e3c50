// JSON as a verifier must read it: JSON.parse keeps the last of two equal keys, `jq` and Python keep the first, so a
// file holding `"status"` twice says two things to two auditors. Every document a verifier reads is parsed here.

export class DuplicateKeyError extends SyntaxError {
  override name = 'DuplicateKeyError';
  constructor(
    readonly key: string,
    /** Where the object holding the key twice sits, `$` the top, e.g. `$.receipt.notice`. */
    readonly path: string,
  ) {
    super(`duplicate JSON key ${JSON.stringify(key)} in ${path}`);
  }
}

interface Frame {
  /** Keys seen so far in this object; null for an array. */
  keys: Set<string> | null;
  path: string;
  /** The key whose value is being read (objects) or the next index (arrays). */
  member: string;
  index: number;
}

const childPath = (frame: Frame | undefined): string => {
  if (!frame) return '$';
  return frame.keys
    ? `${frame.path}${/^[A-Za-z_$][\w$]*$/.test(frame.member) ? `.${frame.member}` : `[${JSON.stringify(frame.member)}]`}`
    : `${frame.path}[${frame.index}]`;
};

/**
 * JSON.parse, refusing an object that holds one key twice (at any depth; keys compared after unescaping, so `"a"` and
 * `"\u0061"` are the same key). Throws SyntaxError for text that is not JSON and DuplicateKeyError for a repeated key.
 */
export function parseJsonStrict(text: string): unknown {
  const value: unknown = JSON.parse(text); // The text is valid JSON past this line, so the scan below can be simple.
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top?.keys && expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) throw new DuplicateKeyError(key, top.path);
        top.keys.add(key);
        top.member = key;
        expectKey = false;
      }
    } else if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === '{' ? new Set() : null, path: childPath(parent), member: '', index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      const top = stack[stack.length - 1]!;
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return value;
}
