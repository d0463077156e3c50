// Classifies IP addresses: public unicast, or anything else (loopback, private, link-local, CGNAT, metadata,
// documentation, multicast, unspecified, reserved). IPv6 is public only inside global unicast 2000::/3.

const strip = (address: string) => address.replace(/^\[|\]$/g, '').replace(/%[\s\S]*$/, '');

function ipv4(address: string): number[] | null {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

/** Eight 16-bit groups, or null when it is not an IPv6 address (a trailing dotted quad is accepted). */
function ipv6(address: string): number[] | null {
  if (!address.includes(':') || !/^[0-9a-f:.]+$/i.test(address)) return null;
  let text = address;
  // A trailing dotted quad is what follows the last colon (no pattern: the address is a request's, at times).
  const quad = text.slice(text.lastIndexOf(':') + 1);
  if (quad.includes('.')) {
    const v4 = ipv4(quad);
    if (!v4) return null;
    text = `${text.slice(0, -quad.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s ? s.split(':') : []);
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return all.map((g) => parseInt(g, 16));
}

export function isIpLiteral(address: string): boolean {
  const a = strip(address);
  return ipv4(a) !== null || ipv6(a) !== null;
}

function publicV4([a, b, c]: number[]): boolean {
  if (a === 0 || a === 10 || a === 127 || a! >= 224) return false; // this network, private, loopback, multicast+reserved
  if (a === 100 && b! >= 64 && b! <= 127) return false; // CGNAT 100.64/10
  if (a === 169 && b === 254) return false; // link-local, cloud metadata
  if (a === 172 && b! >= 16 && b! <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false; // IETF assignments, TEST-NET-1
  if (a === 192 && b === 88 && c === 99) return false; // 6to4 relay
  if (a === 198 && (b === 18 || b === 19)) return false; // benchmarking
  if (a === 198 && b === 51 && c === 100) return false; // TEST-NET-2
  if (a === 203 && b === 0 && c === 113) return false; // TEST-NET-3
  return true;
}

/** True only for a public unicast address. Anything unparsable is not public. */
export function isPublicAddress(address: string): boolean {
  const a = strip(address);
  const v4 = ipv4(a);
  if (v4) return publicV4(v4);
  const v6 = ipv6(a);
  if (!v6) return false;
  const [g0, g1] = v6 as [number, number];
  if ((g0 & 0xe000) !== 0x2000) return false; // outside 2000::/3: ::1, ::, ::ffff:…, fc00::/7, fe80::/10, ff00::/8, 64:ff9b::…
  if (g0 === 0x2001 && g1 < 0x200) return false; // 2001::/23 IETF protocol assignments (Teredo, ORCHID, …)
  if (g0 === 0x2001 && g1 === 0xdb8) return false; // documentation
  if (g0 === 0x2002) return false; // 6to4: embeds any IPv4 address, private ones included
  return true;
}

/** 127.0.0.0/8 or ::1 (and ::ffff:127.x), for ASSENT_ALLOW_LOCAL_CALLBACKS's `localhost`. */
export function isLoopbackAddress(address: string): boolean {
  const a = strip(address);
  const v4 = ipv4(a);
  if (v4) return v4[0] === 127;
  const v6 = ipv6(a);
  if (!v6) return false;
  if (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) return true;
  return v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff && v6[6]! >> 8 === 127;
}

/** The address as 16 bytes (IPv4 as ::ffff:a.b.c.d), or null when it is not an IP address: for CIDR matching. */
export function addressBytes(address: string): number[] | null {
  const a = strip(address);
  const v4 = ipv4(a);
  if (v4) return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
  const v6 = ipv6(a);
  return v6 ? v6.flatMap((g) => [g >> 8, g & 0xff]) : null;
}
