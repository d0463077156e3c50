// CIDR blocks (sms.inboundAllowlist): parsing, and whether a client address falls inside one. IPv4 is read as its
// IPv4-mapped IPv6 form, so a v4 block also matches a client seen as ::ffff:a.b.c.d by a dual-stack socket.
import { z } from 'zod';
import { addressBytes } from './addresses.ts';

export interface Cidr {
  bytes: number[];
  /** Prefix length over the 16-byte form. */
  bits: number;
}

export function parseCidr(text: string): Cidr | null {
  if (text.length > 64) return null;
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = addressBytes(address);
  if (!bytes) return null;
  const v4 = address.includes('.') && !address.includes(':');
  const max = v4 ? 32 : 128;
  const prefix = slash < 0 ? max : /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { bytes, bits: v4 ? prefix + 96 : prefix };
}

export function inCidr(address: string, cidr: Cidr): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return false;
  for (let bit = 0; bit < cidr.bits; bit++) {
    const i = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((bytes[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}

/** True when the address is inside one of the blocks; an unknown or unparsable address is inside none. */
export function inAnyCidr(address: string | undefined, blocks: readonly string[]): boolean {
  if (!address) return false;
  return blocks.some((block) => {
    const cidr = parseCidr(block);
    return cidr !== null && inCidr(address, cidr);
  });
}

export const cidrSchema = z
  .string()
  .max(64)
  .refine(
    (value) => parseCidr(value) !== null,
    'A CIDR block like 203.0.113.0/24 or 2001:db8::/32 (a bare address is one host).',
  );
