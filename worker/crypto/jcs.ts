// RFC 8785 JSON Canonicalization Scheme: the one byte form of a JSON value that we hash
// and sign, so a receipt or log leaf has the same digest on every runtime.

import { utf8 } from './encoding.ts';

export class JcsError extends TypeError {
  override name = 'JcsError';
}

// I-JSON (RFC 7493), which RFC 8785 builds on, forbids lone surrogates.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new JcsError(`lone surrogate in string at ${path}`);
  // ES2019+ JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 requires: the two-character
  // escapes for \b \t \n \f \r " \\, lowercase \u00xx for other controls, and nothing else.
  return JSON.stringify(value);
}

function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new JcsError(`non-finite number at ${path}`);
  // JSON.stringify applies ECMAScript Number::toString, which is what RFC 8785 §3.2.2.3
  // prescribes; it already prints -0 as "0".
  return JSON.stringify(value);
}

function serialize(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return serializeNumber(value, path);
    case 'string':
      return serializeString(value, path);
    case 'object':
      break;
    default:
      throw new JcsError(`cannot canonicalize ${typeof value} at ${path}`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((obj as { toJSON: () => unknown }).toJSON(), path, seen);
  }
  if (seen.has(obj)) throw new JcsError(`cycle at ${path}`);
  seen.add(obj);
  let out: string;
  if (Array.isArray(obj)) {
    const parts = obj.map((item, i) => {
      if (item === undefined) throw new JcsError(`undefined at ${path}[${i}]`);
      return serialize(item, `${path}[${i}]`, seen);
    });
    out = `[${parts.join(',')}]`;
  } else {
    // Default string sort compares UTF-16 code units, the order RFC 8785 §3.2.3 requires.
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const item = (obj as Record<string, unknown>)[key];
      // Dropped like JSON.stringify does, so optional fields left undefined change nothing.
      if (item === undefined) continue;
      parts.push(`${serializeString(key, path)}:${serialize(item, `${path}.${key}`, seen)}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(obj);
  return out;
}

/** Canonical JSON text of `value` (RFC 8785). Throws JcsError on values JSON cannot carry. */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new JcsError('cannot canonicalize undefined');
  return serialize(value, '$', new Set());
}

/** UTF-8 bytes of the canonical JSON text: what gets hashed and signed. */
export function jcsBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
