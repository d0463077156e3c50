// A software WebAuthn authenticator for the HTTP tests: an ES256 (P-256) key, "none" attestation, a signature counter,
// answers encoded as the browser's JSON (W3C WebAuthn Level 3 §6.1 authenticator data, §6.5 attestation objects).
import { webcrypto } from 'node:crypto';
import { toBase64Url } from '../../worker/crypto/encoding.ts';

const subtle = webcrypto.subtle;
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const sha256 = async (data: Uint8Array) => new Uint8Array(await subtle.digest('SHA-256', data));

/** Just enough CBOR (RFC 8949) for a COSE key and an attestation object. */
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function head(major: number, n: number): Uint8Array {
  if (n < 24) return Uint8Array.of((major << 5) | n);
  if (n < 256) return Uint8Array.of((major << 5) | 24, n);
  return Uint8Array.of((major << 5) | 25, n >> 8, n & 255);
}
function cbor(value: Cbor): Uint8Array {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = new TextEncoder().encode(value);
    return concat(head(3, bytes.length), bytes);
  }
  if (value instanceof Uint8Array) return concat(head(2, value.length), value);
  return concat(head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)]));
}

/** An ECDSA signature from WebCrypto (r || s) as the DER sequence WebAuthn expects for ES256. */
function der(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    const v = b.slice(i);
    const body = v[0]! & 0x80 ? concat(Uint8Array.of(0), v) : v;
    return concat(Uint8Array.of(2, body.length), body);
  };
  const seq = concat(int(raw.slice(0, 32)), int(raw.slice(32)));
  return concat(Uint8Array.of(0x30, seq.length), seq);
}

export interface Authenticator {
  credentialId: string;
  counter: number;
  register(options: { challenge: string }, origin?: string): Promise<Record<string, unknown>>;
  sign(options: { challenge: string }, origin?: string): Promise<Record<string, unknown>>;
}

export async function softAuthenticator(rpId = 'assent.test', origin = 'https://assent.test'): Promise<Authenticator> {
  const keys = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as CryptoKeyPair;
  const jwk = await subtle.exportKey('jwk', keys.publicKey);
  const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
  const cose = cbor(
    new Map<Cbor, Cbor>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, b(jwk.x!)],
      [-3, b(jwk.y!)],
    ]),
  );
  const id = webcrypto.getRandomValues(new Uint8Array(16));
  const rpHash = await sha256(new TextEncoder().encode(rpId));
  const counterBytes = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  const clientData = (type: string, challenge: string, from: string) =>
    new TextEncoder().encode(JSON.stringify({ type, challenge, origin: from, crossOrigin: false }));
  const self: Authenticator = {
    credentialId: toBase64Url(id),
    counter: 0,
    async register(options, from = origin) {
      const attested = concat(new Uint8Array(16), Uint8Array.of(0, id.length), id, cose);
      const authData = concat(rpHash, Uint8Array.of(0x45), counterBytes(self.counter), attested);
      const attestation = cbor(
        new Map<Cbor, Cbor>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', authData],
        ]),
      );
      return {
        id: self.credentialId,
        rawId: self.credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64Url(clientData('webauthn.create', options.challenge, from)),
          attestationObject: toBase64Url(attestation),
          transports: ['internal'],
        },
        clientExtensionResults: {},
      };
    },
    async sign(options, from = origin) {
      self.counter += 1;
      const authData = concat(rpHash, Uint8Array.of(0x05), counterBytes(self.counter));
      const data = clientData('webauthn.get', options.challenge, from);
      const raw = new Uint8Array(
        await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, concat(authData, await sha256(data))),
      );
      return {
        id: self.credentialId,
        rawId: self.credentialId,
        type: 'public-key',
        response: {
          clientDataJSON: toBase64Url(data),
          authenticatorData: toBase64Url(authData),
          signature: toBase64Url(der(raw)),
        },
        clientExtensionResults: {},
      };
    },
  };
  return self;
}
