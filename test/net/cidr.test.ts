// sms.inboundAllowlist's CIDR blocks: parsing (bounded, strict) and matching, IPv4 also as IPv4-mapped IPv6.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inAnyCidr, parseCidr } from '../../worker/net/cidr.ts';

describe('CIDR blocks', () => {
  it('parses v4 and v6 blocks and bare addresses, and refuses the rest', () => {
    expect(parseCidr('203.0.113.0/24')).toMatchObject({ bits: 120 });
    expect(parseCidr('2001:db8::/32')).toMatchObject({ bits: 32 });
    expect(parseCidr('198.51.100.7')).toMatchObject({ bits: 128 });
    for (const bad of [
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0/',
      '10.0.0/8',
      'example.com/8',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      `${'1'.repeat(70)}/8`,
      '',
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it('matches addresses inside a block only', () => {
    const blocks = ['198.51.100.0/24', '2001:db8:abcd::/48'];
    expect(inAnyCidr('198.51.100.255', blocks)).toBe(true);
    expect(inAnyCidr('::ffff:198.51.100.1', blocks)).toBe(true);
    expect(inAnyCidr('198.51.101.0', blocks)).toBe(false);
    expect(inAnyCidr('2001:db8:abcd:12::1', blocks)).toBe(true);
    expect(inAnyCidr('2001:db8:abce::1', blocks)).toBe(false);
    expect(inAnyCidr(undefined, blocks)).toBe(false);
    expect(inAnyCidr('not an address', ['0.0.0.0/0'])).toBe(false);
    expect(inAnyCidr('8.8.8.8', ['0.0.0.0/0'])).toBe(true);
  });

  it('an IPv4 address is in a.b.c.d/n exactly when its first n bits agree (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 32 }),
        (a, b, n) => {
          const dotted = (x: number) => [24, 16, 8, 0].map((s) => (x >>> s) & 255).join('.');
          const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
          expect(inAnyCidr(dotted(a), [`${dotted(b)}/${n}`])).toBe((a & mask) >>> 0 === (b & mask) >>> 0);
        },
      ),
    );
  });
});
