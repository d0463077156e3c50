// An independent tlog-witness client and log, written from C2SP tlog-witness, tlog-checkpoint, signed-note and
// RFC 9162 with node:crypto only (nothing from worker/): Merkle trees, consistency proofs, signed checkpoints, request
// bytes, and cosignature checks.
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex');

export const leafHash = (data: string) => sha(Buffer.from([0]), Buffer.from(data));
const split = (n: number) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
export function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
/** RFC 9162 §2.1.4.1 SUBPROOF. */
function subproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [mth(leaves)];
  const k = split(n);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}
export const consistencyProof = (m: number, leaves: Buffer[]) =>
  m === 0 || m === leaves.length ? [] : subproof(m, leaves, true);

export class TestLog {
  readonly key: KeyObject;
  readonly pub: Buffer;
  constructor(
    readonly origin: string,
    seed: number,
  ) {
    this.key = createPrivateKey({ key: Buffer.concat([PKCS8, Buffer.alloc(32, seed)]), format: 'der', type: 'pkcs8' });
    this.pub = Buffer.from(createPublicKey(this.key).export({ format: 'jwk' }).x!, 'base64url');
  }
  get keyId() {
    return sha(Buffer.from(`${this.origin}\n`), Buffer.from([1]), this.pub).subarray(0, 4);
  }
  get vkey() {
    return `${this.origin}+${this.keyId.toString('hex')}+${Buffer.concat([Buffer.from([1]), this.pub]).toString('base64')}`;
  }
  body(size: number, root: Buffer) {
    return `${this.origin}\n${size}\n${root.toString('base64')}\n`;
  }
  /** signed-note: text, empty line, `— name base64(keyid ‖ Ed25519(text))`. */
  checkpoint(leaves: Buffer[]) {
    const body = this.body(leaves.length, mth(leaves));
    return `${body}\n\u2014 ${this.origin} ${Buffer.concat([this.keyId, sign(null, Buffer.from(body), this.key)]).toString('base64')}\n`;
  }
}

/** tlog-witness §add-checkpoint request body. */
export const addCheckpointBody = (old: number, proof: Buffer[], checkpoint: string) =>
  `old ${old}\n${proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${checkpoint}`;

/** Checks a cosignature/v1 line against a vkey (type 0x04) over `body`; returns its timestamp. */
export function verifyCosignatureLine(line: string, vkey: string, body: string): number {
  const [name, idHex, key64] = [
    vkey.slice(0, vkey.indexOf('+')),
    ...vkey.slice(vkey.indexOf('+') + 1).split(/\+(.*)/s),
  ] as [string, string, string];
  const raw = Buffer.from(key64, 'base64');
  if (raw[0] !== 4 || raw.length !== 33) throw new Error('not a cosignature/v1 vkey');
  const pub = raw.subarray(1);
  if (
    sha(Buffer.from(`${name}\n`), Buffer.from([4]), pub)
      .subarray(0, 4)
      .toString('hex') !== idHex
  )
    throw new Error('vkey id mismatch');
  const match = /^\u2014 (\S+) (\S+)\n?$/.exec(line);
  if (!match || match[1] !== name) throw new Error(`not a line by ${name}: ${line}`);
  const sig = Buffer.from(match[2]!, 'base64');
  if (sig.length !== 76 || sig.subarray(0, 4).toString('hex') !== idHex) throw new Error('wrong length or key id');
  const t = sig.readBigUInt64BE(4);
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') },
    format: 'jwk',
  });
  if (!verify(null, Buffer.from(`cosignature/v1\ntime ${t}\n${body}`), publicKey, sig.subarray(12)))
    throw new Error('cosignature does not verify');
  return Number(t);
}

export const originHash = (origin: string) => createHash('sha256').update(origin).digest('hex');
