// What a receipt may say about the visitor's request without exposing anyone: the page's origin and path (no query,
// no fragment), a coarse browser family (no version, no device model), and the address cut to a prefix.

/** `https://shop.example/promo?phone=…#x` → `https://shop.example/promo`; null when it is not an http(s) URL. */
export function pageOriginAndPath(pageUrl: string | null | undefined): string | null {
  if (!pageUrl) return null;
  try {
    const url = new URL(pageUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    return `${url.origin}${url.pathname}`.slice(0, 300);
  } catch {
    return null;
  }
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  // Anchored, two lookaheads: one start position, each scan linear (`Version/… .* Safari/` unanchored was quadratic).
  [/^(?=.*\bVersion\/\d)(?=.*\bSafari\/)/, 'Safari'],
  [/\bAppleWebKit\//, 'WebKit'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bAndroid\b/, 'Android'],
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** Every regex over the User-Agent: a ReDoS checker runs over them (test/security/redos.test.ts). */
export const USER_AGENT_PATTERNS: readonly RegExp[] = [...BROWSERS, ...SYSTEMS].map(([re]) => re);

/** Real User-Agents are under 300 characters: the rest of a longer one is never read. */
export const MAX_USER_AGENT = 512;

const KNOWN = new Set([...BROWSERS, ...SYSTEMS].map(([, name]) => name).concat('Other'));

/**
 * "Mozilla/5.0 (Linux; Android 14; Pixel 8) … Chrome/131.0 Mobile Safari/537.36" → "Chrome, Android". Only names
 * from a fixed list come out, so nothing typed into the header (a number, a name) can. Idempotent: a family given
 * back in is returned as is.
 */
export function browserFamily(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const userAgent = raw.slice(0, MAX_USER_AGENT);
  const parts = userAgent.split(', ');
  if (parts.length === 2 && parts.every((p) => KNOWN.has(p))) return userAgent;
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1] ?? 'Other';
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1] ?? 'Other';
  return `${browser}, ${system}`;
}

/** IPv4 to /24, IPv6 to /48: enough to spot abuse in a receipt, not enough to identify a person. */
export function truncateIp(ip: string | undefined): string | null {
  if (!ip) return null;
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return `${v4.split('.').slice(0, 3).join('.')}.0/24`;
  if (ip.includes(':')) {
    const parts = ip.split('::')[0]!.split(':').filter(Boolean).slice(0, 3);
    while (parts.length < 3) parts.push('0');
    return `${parts.join(':')}::/48`;
  }
  return null;
}

/**
 * The unit rate limits count per: one IPv4 address, or an IPv6 /64 (what one subscriber line is given; counting
 * single IPv6 addresses would let one host rotate through billions).
 */
export function limitPrefix(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) return v4;
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::');
    const left = head!.split(':').filter(Boolean);
    const right = tail === undefined ? [] : tail.split(':').filter(Boolean);
    const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
    return `${groups
      .slice(0, 4)
      .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
      .join(':')}::/64`;
  }
  return 'unknown';
}
