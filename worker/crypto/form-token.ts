// Signed per-render tokens for the hosted form (POST /s/{site}): HMAC-SHA256 over the site, an expiry and the
// browser's own nonce (kept in a cookie), under a key derived (HKDF) from the signing seed. A browser without fetch
// metadata proves with it that the form came from our page in that same browser: a token another server fetched
// carries that server's nonce, not the visitor's.
import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts';

const keys = new WeakMap<Uint8Array, Promise<CryptoKey>>();

function formKey(seed: Uint8Array): Promise<CryptoKey> {
  let key = keys.get(seed);
  if (!key) {
    key = crypto.subtle.importKey('raw', seed as BufferSource, 'HKDF', false, ['deriveKey']).then((master) =>
      crypto.subtle.deriveKey(
        {
          name: 'HKDF',
          hash: 'SHA-256',
          salt: new Uint8Array(0),
          info: utf8('assent hosted-form token v1') as BufferSource,
        },
        master,
        { name: 'HMAC', hash: 'SHA-256', length: 256 },
        false,
        ['sign', 'verify'],
      ),
    );
    keys.set(seed, key);
  }
  return key;
}

const message = (site: string, expiresAt: number, nonce: string) =>
  utf8(`hosted-form\n${site}\n${expiresAt}\n${nonce}`) as BufferSource;

/** `<expiry ms>.<base64url HMAC>`, valid for `ttlMs` from `now`. */
export async function signFormToken(
  seed: Uint8Array,
  site: string,
  nonce: string,
  now: number,
  ttlMs: number,
): Promise<string> {
  const expiresAt = now + ttlMs;
  const mac = await crypto.subtle.sign('HMAC', await formKey(seed), message(site, expiresAt, nonce));
  return `${expiresAt}.${toBase64Url(new Uint8Array(mac))}`;
}

/** True for a token signed for this site and nonce, not yet expired and not dated further ahead than `ttlMs`. */
export async function verifyFormToken(
  seed: Uint8Array,
  site: string,
  nonce: string | undefined,
  token: unknown,
  now: number,
  ttlMs: number,
): Promise<boolean> {
  if (typeof token !== 'string' || token.length > 100 || !nonce) return false;
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt <= now || expiresAt > now + ttlMs) return false;
  // crypto.subtle.verify compares in constant time.
  return crypto.subtle.verify(
    'HMAC',
    await formKey(seed),
    fromBase64Url(match[2]!) as BufferSource,
    message(site, expiresAt, nonce),
  );
}
