import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, jcsBytes, JcsError } from '../../worker/crypto/jcs.ts';

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 examples', () => {
  it('serialises the §3.2.2 sample exactly', () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    expect(canonicalize(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (§3.2.3)', () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    // Read the order off the text: JS objects would list the integer-like key "1" first.
    const values = [...canonicalize(input).matchAll(/:"([^"]*)"/g)].map((m) => m[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('formats the Appendix B numbers', () => {
    const table: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ];
    for (const [bits, text] of table) expect([bits, canonicalize(fromBits(bits))]).toEqual([bits, text]);
  });

  it('handles the edge numbers named in the design', () => {
    expect(canonicalize(1e21)).toBe('1e+21');
    expect(canonicalize(1e-7)).toBe('1e-7');
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize([-0, 0.1 + 0.2])).toBe('[0,0.30000000000000004]');
    // 2^53 + 1 is not a double: parsing rounds it, and the canonical form shows the double.
    expect(canonicalize(JSON.parse('9007199254740993'))).toBe('9007199254740992');
  });

  it('refuses values JSON cannot carry', () => {
    for (const bad of [NaN, Infinity, -Infinity, 1n, Symbol('x'), () => 1, undefined]) {
      expect(() => canonicalize(bad)).toThrow(JcsError);
    }
    expect(() => canonicalize({ a: [1, undefined] })).toThrow(/\$\.a\[1\]/);
    expect(() => canonicalize('\ud800x')).toThrow(/lone surrogate/);
    expect(() => canonicalize({ '\udc00': 1 })).toThrow(/lone surrogate/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cycle/);
  });

  it('drops undefined object members, uses toJSON, and encodes as UTF-8', () => {
    expect(canonicalize({ b: 1, a: undefined, c: new Date(0) })).toBe('{"b":1,"c":"1970-01-01T00:00:00.000Z"}');
    expect([...jcsBytes({ '€': '😀' })]).toEqual([...new TextEncoder().encode('{"€":"😀"}')]);
    expect(canonicalize('\u001f\u007f\u2028')).toBe('"\\u001f\u007f\u2028"');
  });
});

// Objects with arbitrary (full Unicode, surrogate pair) keys and values.
const unicode = fc.string({ unit: 'grapheme', maxLength: 8 });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    unicode,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(unicode, tie('value'), { maxKeys: 4 }),
  ),
})).value;

function reorder(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, seed));
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    // A deterministic but different insertion order per seed.
    entries.sort((a, b) => ((hashKey(a[0]) ^ seed) >>> 0) - ((hashKey(b[0]) ^ seed) >>> 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, reorder(v, seed)]));
  }
  return value;
}

function hashKey(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

describe('JCS properties', () => {
  it('is idempotent through JSON.parse', () => {
    fc.assert(
      fc.property(json, (value) => {
        const once = canonicalize(value);
        expect(canonicalize(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('preserves the value (up to -0 becoming 0)', () => {
    fc.assert(
      fc.property(json, (value) => {
        const normalised = JSON.parse(JSON.stringify(value, (_k, v) => (Object.is(v, -0) ? 0 : v)));
        expect(JSON.parse(canonicalize(value))).toEqual(normalised);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(json, fc.integer(), (value, seed) => {
        expect(canonicalize(reorder(value, seed))).toBe(canonicalize(value));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps surrogate pairs as raw UTF-8 and rejects any lone surrogate', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        (text, surrogate) => {
          const out = canonicalize(text);
          expect(out).not.toMatch(/\\ud[89a-f]/i);
          expect(JSON.parse(out)).toBe(text);
          expect(() => canonicalize(text + String.fromCharCode(surrogate))).toThrow(JcsError);
        },
      ),
      { numRuns: 300 },
    );
  });
});
