// The verifiers' JSON reader: it reads every duplicate-free document exactly as JSON.parse does, and refuses every
// document that names a key twice in one object, at any depth and however the key is escaped.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuplicateKeyError, parseJsonStrict } from '../../worker/verify/strict-json.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The key spelled with every character as a \uXXXX escape: the same key once decoded, another text. */
const escaped = (key: string) =>
  `"${[...key].map((ch) => [...ch].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')).join('')}"`;

/** Counts the objects holding at least one key, depth first (the order `serialize` visits them). */
function objects(value: Json): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v) => n + objects(v), 0);
  if (value && typeof value === 'object')
    return (Object.keys(value).length > 0 ? 1 : 0) + Object.values(value).reduce<number>((n, v) => n + objects(v), 0);
  return 0;
}

/** JSON text of `value` in which the `target`-th non-empty object repeats one of its keys (escaped or not). */
function serializeWithDuplicate(value: Json, target: number, which: number, useEscapes: boolean): string {
  let seen = -1;
  const walk = (v: Json): string => {
    if (Array.isArray(v)) return `[${v.map(walk).join(',')}]`;
    if (v && typeof v === 'object') {
      const keys = Object.keys(v);
      const members = keys.map((k) => `${JSON.stringify(k)}:${walk(v[k]!)}`);
      if (keys.length > 0 && ++seen === target) {
        const k = keys[which % keys.length]!;
        members.splice(
          which % (members.length + 1),
          0,
          `${useEscapes ? escaped(k) : JSON.stringify(k)}:${JSON.stringify(v[k])}`,
        );
      }
      return `{${members.join(',')}}`;
    }
    return JSON.stringify(v);
  };
  return walk(value);
}

describe('parseJsonStrict', () => {
  it('agrees with JSON.parse on every duplicate-free document, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses every document with a key twice in one object, at any depth, escaped or not', () => {
    fc.assert(
      fc.property(
        fc.jsonValue() as fc.Arbitrary<Json>,
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        (value, target, which, useEscapes) => {
          const count = objects(value);
          const text =
            count === 0
              ? `{"k":${JSON.stringify(value)},${useEscapes ? escaped('k') : '"k"'}:0}`
              : serializeWithDuplicate(value, target % count, which, useEscapes);
          expect(() => JSON.parse(text)).not.toThrow(); // JSON.parse would quietly keep the last one
          expect(() => parseJsonStrict(text)).toThrow(DuplicateKeyError);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('names the key and where the object sits', () => {
    const error = (() => {
      try {
        parseJsonStrict('{"receipt":{"notice":{"locale":"fr"}},"log":[{"a":1},{"b":1,"\\u0062":2}]}');
      } catch (e) {
        return e as DuplicateKeyError;
      }
    })();
    expect(error).toBeInstanceOf(DuplicateKeyError);
    expect(error!.key).toBe('b');
    expect(error!.path).toBe('$.log[1]');
    expect(() => parseJsonStrict('{"receipt":{"status":"confirmed","status":"withdrawn"}}')).toThrow(
      'duplicate JSON key "status" in $.receipt',
    );
  });

  it('keeps equal keys in sibling objects and a key equal to a string value', () => {
    expect(parseJsonStrict('[{"a":1},{"a":2}]')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseJsonStrict('{"a":"a","b":{"a":"b"},"c":"\\"a\\""}')).toEqual({ a: 'a', b: { a: 'b' }, c: '"a"' });
    expect(() => parseJsonStrict('{"a":1,}')).toThrow(SyntaxError);
  });
});
