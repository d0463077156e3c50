// Address classification behind the outbound guard and the client-IP resolver, attacked with generated inputs:
// every way WHATWG URL lets one write a non-public IPv4 address is refused; public ones pass; IPv6 outside global
// unicast is refused; X-Forwarded-For always yields the N-th entry from the right, whatever the client prepends.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPublicAddress } from '../../worker/net/addresses.ts';
import { forwardedClient } from '../../worker/net/client-ip.ts';
import { outboundUrlProblem } from '../../worker/net/outbound.ts';

const NON_PUBLIC_V4: [number, number][] = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0000200, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xc6336400, 24],
  [0xcb007100, 24],
  [0xe0000000, 4],
  [0xf0000000, 4],
];
const inRange = ([base, bits]: [number, number]) =>
  fc.integer({ min: 0, max: 2 ** (32 - bits) - 1 }).map((offset) => (base + offset) >>> 0);
const nonPublicV4 = fc.oneof(...NON_PUBLIC_V4.map(inRange));
const octets = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];

/** The spellings of one IPv4 address that WHATWG URL parsers accept. */
const spellings = (n: number) => {
  const [a, b, c, d] = octets(n) as [number, number, number, number];
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${n.toString(16)}`,
    `0${n.toString(8)}`,
    [a, b, c, d].map((o) => `0${o.toString(8)}`).join('.'),
    [a, b, c, d].map((o) => `0x${o.toString(16)}`).join('.'),
    `${a}.${(n & 0xffffff) >>> 0}`,
    `${a}.${b}.${(n & 0xffff) >>> 0}`,
    `${a}.${b}.${c}.${d}.`,
  ];
};

describe('outbound URLs', () => {
  it('every written form of a non-public IPv4 address is refused', () => {
    fc.assert(
      fc.property(nonPublicV4, (n) => {
        for (const host of spellings(n))
          expect(outboundUrlProblem(`https://${host}/sms`, { allowLocal: false }), host).not.toBeNull();
        const [a, b, c, d] = octets(n);
        expect(outboundUrlProblem(`https://[::ffff:${a}.${b}.${c}.${d}]/`, { allowLocal: false })).not.toBeNull();
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('a public IPv4 address passes in its usual form', () => {
    const publicV4 = fc
      .integer({ min: 0, max: 0xffffffff })
      .filter(
        (n) =>
          !NON_PUBLIC_V4.some(([base, bits]) => n >>> (32 - bits) === base >>> (32 - bits)) && !(n >>> 8 === 0xc05863),
      );
    fc.assert(
      fc.property(publicV4, (n) => {
        expect(outboundUrlProblem(`https://${octets(n).join('.')}/sms`, { allowLocal: false })).toBeNull();
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('IPv6 is public only inside global unicast (2000::/3, less documentation, 6to4 and protocol blocks)', () => {
    const groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), groups, (first, rest) => {
        const address = [first, ...rest].map((g) => g.toString(16)).join(':');
        const global =
          (first & 0xe000) === 0x2000 &&
          first !== 0x2002 &&
          !(first === 0x2001 && (rest[0]! < 0x200 || rest[0] === 0xdb8));
        expect(isPublicAddress(address), address).toBe(global);
        expect(outboundUrlProblem(`https://[${address}]/`, { allowLocal: false }) === null, address).toBe(global);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});

describe('X-Forwarded-For', () => {
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
  it('yields the N-th entry from the right, whatever the client wrote to its left', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 5 }),
        fc.array(ipv4, { minLength: 1, maxLength: 4 }),
        (spoofed, appended) => {
          const header = [...spoofed.map((s) => s.replace(/,/g, '')), ...appended].join(', ');
          for (let hops = 1; hops <= appended.length; hops++)
            expect(forwardedClient(header, hops)).toBe(appended[appended.length - hops]);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
