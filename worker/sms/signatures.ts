// Request signatures on the SMS channel: Twilio's X-Twilio-Signature (HMAC-SHA1) and Standard Webhooks
// (HMAC-SHA256 over id.timestamp.body). Comparisons go through crypto.subtle.verify, which is constant-time.

import { fromBase64, toBase64 } from '../crypto/encoding.ts';

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The bytes received as UTF-8 text, or null when they are not UTF-8. Never the lossy decoding: it reads every bad
 * byte as U+FFFD, so many bodies would decode (and verify) alike and we would act on bytes nobody signed.
 */
export function utf8Exactly(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

/** One name or value of a form: `+` is a space, `%XX` a byte (a lone `%` stays itself), then strict UTF-8. */
function formComponent(bytes: Uint8Array): string | null {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x2b) out[n++] = 0x20;
    else if (b === 0x25 && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(bytes[i + 1]!, bytes[i + 2]!), 16);
      i += 2;
    } else out[n++] = b;
  }
  return utf8Exactly(out.subarray(0, n));
}

/**
 * An application/x-www-form-urlencoded body parsed as the URL standard does, except that a name or value whose
 * bytes (raw or percent-encoded) are not UTF-8 makes the whole form null: Twilio signs the decoded values, and a
 * lossy decoding would let a body with 0xFF verify against the signature of its U+FFFD reading.
 */
export function parseFormExactly(bytes: Uint8Array): URLSearchParams | null {
  const form = new URLSearchParams();
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x26) continue;
    const pair = bytes.subarray(start, i);
    start = i + 1;
    if (pair.length === 0) continue;
    const eq = pair.indexOf(0x3d);
    const name = formComponent(eq < 0 ? pair : pair.subarray(0, eq));
    const value = eq < 0 ? '' : formComponent(pair.subarray(eq + 1));
    if (name === null || value === null) return null;
    form.append(name, value);
  }
  return form;
}

export type FormParams =
  | URLSearchParams
  | Record<string, string | readonly string[] | undefined>
  | Iterable<readonly [string, string]>;

function pairsOf(params: FormParams): [string, string][] {
  if (params instanceof URLSearchParams) return [...params.entries()];
  if (Symbol.iterator in params) {
    return Array.from(params as Iterable<readonly [string, string]>, ([k, v]): [string, string] => [k, v]);
  }
  const out: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) out.push([key, v]);
  }
  return out;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What Twilio signs: the full URL, then each POST parameter as name+value with no separator, names in
 * sorted order. A name sent several times contributes each distinct value once, values sorted, as
 * Twilio's own libraries do.
 */
export function twilioSignedPayload(url: string, params: FormParams): string {
  const byName = new Map<string, Set<string>>();
  for (const [key, value] of pairsOf(params)) {
    const values = byName.get(key) ?? new Set<string>();
    values.add(value);
    byName.set(key, values);
  }
  let payload = url;
  for (const key of [...byName.keys()].sort(byCodeUnit)) {
    for (const value of [...(byName.get(key) as Set<string>)].sort(byCodeUnit)) payload += key + value;
  }
  return payload;
}

async function hmacKey(secret: Uint8Array<ArrayBuffer>, hash: 'SHA-1' | 'SHA-256'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['sign', 'verify']);
}

/** Standard base64 only; anything else (including the URL-safe alphabet) gives null. */
function base64Decode(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return new Uint8Array(fromBase64(text));
  } catch {
    return null;
  }
}

export async function computeTwilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  const key = await hmacKey(encoder.encode(authToken), 'SHA-1');
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(twilioSignedPayload(url, params)));
  return toBase64(new Uint8Array(mac));
}

/** Twilio may sign with or without the scheme's default port; its libraries accept both, and so do we. */
function portVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/?#:]+)(:\d+)?(.*)$/s.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m;
  const defaultPort = scheme === 'https' ? ':443' : ':80';
  if (port === undefined) return [url, `${scheme}://${host}${defaultPort}${rest}`];
  if (port === defaultPort) return [url, `${scheme}://${host}${rest}`];
  return [url];
}

export interface TwilioVerifyOptions {
  authToken: string;
  /** The URL Twilio was configured to call: built from ASSENT_PUBLIC_URL, never from request headers. */
  url: string;
  params: FormParams;
  /** The X-Twilio-Signature header value. */
  signature: string | null | undefined;
}

export async function verifyTwilioSignature(options: TwilioVerifyOptions): Promise<boolean> {
  const { authToken, url, params, signature } = options;
  if (!authToken || !signature) return false;
  const expected = base64Decode(signature.trim());
  if (expected?.length !== 20) return false;
  const key = await hmacKey(encoder.encode(authToken), 'SHA-1');
  for (const candidate of portVariants(url)) {
    const data = encoder.encode(twilioSignedPayload(candidate, params));
    if (await crypto.subtle.verify('HMAC', key, expected, data)) return true;
  }
  return false;
}

// ---- Standard Webhooks ----

export interface WebhookSignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** `whsec_<base64>` secrets are the decoded bytes (Standard Webhooks); any other string is its UTF-8 bytes. */
export function webhookSecretBytes(secret: string): Uint8Array<ArrayBuffer> {
  if (secret.startsWith('whsec_')) {
    const bytes = base64Decode(secret.slice(6));
    if (bytes && bytes.length > 0) return bytes;
  }
  return encoder.encode(secret);
}

/** A new secret in Standard Webhooks form from random bytes the caller supplies (24–64 bytes). */
export function formatWebhookSecret(randomBytes: Uint8Array): string {
  return `whsec_${toBase64(randomBytes)}`;
}

function signedContent(id: string, timestamp: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${id}.${timestamp}.`);
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

export async function signWebhook(options: {
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: string | Uint8Array;
}): Promise<WebhookSignatureHeaders> {
  const timestamp = String(Math.floor(options.timestamp));
  const key = await hmacKey(webhookSecretBytes(options.secret), 'SHA-256');
  const mac = await crypto.subtle.sign('HMAC', key, signedContent(options.id, timestamp, options.body));
  return {
    'webhook-id': options.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${toBase64(new Uint8Array(mac))}`,
  };
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'missing-headers' | 'bad-timestamp' | 'stale-timestamp' | 'bad-signature' };

function header(headers: Headers | Record<string, string | undefined>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return found === undefined ? undefined : headers[found];
}

/**
 * Checks `webhook-signature` (one or more space-separated `v1,<base64>`; any match is enough, which lets
 * a sender rotate secrets) and that `webhook-timestamp` is within the tolerance of `now`, either way.
 * The caller dedupes on the returned id to make replays harmless.
 */
export async function verifyWebhook(options: {
  secret: string;
  headers: Headers | Record<string, string | undefined>;
  body: string | Uint8Array;
  now: Date;
  toleranceSeconds?: number;
}): Promise<WebhookVerification> {
  const id = header(options.headers, 'webhook-id');
  const timestamp = header(options.headers, 'webhook-timestamp');
  const signatures = header(options.headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const seconds = Number(timestamp);
  const tolerance = options.toleranceSeconds ?? 300;
  if (Math.abs(options.now.getTime() / 1000 - seconds) > tolerance) return { ok: false, reason: 'stale-timestamp' };
  const key = await hmacKey(webhookSecretBytes(options.secret), 'SHA-256');
  const content = signedContent(id, timestamp, options.body);
  for (const entry of signatures.split(' ')) {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) continue;
    const mac = base64Decode(value);
    if (mac && mac.length === 32 && (await crypto.subtle.verify('HMAC', key, mac, content))) {
      return { ok: true, id, timestamp: seconds };
    }
  }
  return { ok: false, reason: 'bad-signature' };
}
