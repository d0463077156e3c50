// Builds docs/vectors/: evidence files from a real run of the app (fixed clock, fixed public test seed, seeded ids,
// so every run writes the same bytes), genuine and forged, each with the verdict a verifier must give and the first
// check that must fail. `npx tsx test/vectors/generate.ts` rewrites the folder; test/vectors/vectors.test.ts holds
// the committed files equal to what this makes and runs every verifier of the project on them.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromBase64Url, toBase64Url } from '../../worker/crypto/encoding.ts';
import { signingKeysFrom } from '../../worker/crypto/keys.ts';
import { createKeyRing, publicJwks, signReceipt } from '../../worker/crypto/signing.ts';
import type { Random } from '../../worker/crypto/tokens.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

export const VECTORS_DIR = join(import.meta.dirname, '../../docs/vectors');

/** The public, fixed receipt and log seed of the vectors (bytes 0x80 … 0x9f): never a real key. */
const SEED = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
const START = Date.parse('2026-03-02T09:00:00Z');
const HOST = 'https://assent.example';

/** A seeded byte source (SHA-256 in counter mode): ids and tokens the same on every run. */
function seededRandom(label: string): Random {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (length) => {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (pool.length === 0) pool = new Uint8Array(createHash('sha256').update(`${label}/${counter++}`).digest());
      out[i] = pool[0]!;
      pool = pool.subarray(1);
    }
    return out;
  };
}

export interface Pins {
  /** A file of this folder pinned with --jwks. */
  jwks?: string;
  /** A file of this folder holding the log key pinned with --log-key. */
  logKey?: string;
}

export interface VectorCase {
  file: string;
  description: string;
  verdict: 'VALID' | 'INVALID' | 'PENDING';
  /** The first check that fails (INVALID) or waits (PENDING); null when VALID. */
  check: string | null;
  pins: Pins;
}

type Doc = Record<string, any>;
const PINNED: Pins = { jwks: 'jwks.json', logKey: 'log-key.txt' };
const text = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function evidence(h: Harness, consentId: string): Promise<Doc> {
  const res = await h.app.request(`/proofs/${consentId}/evidence`);
  if (res.status !== 200) throw new Error(`evidence ${res.status}`);
  return (await res.json()) as Doc;
}

const json200 = async (h: Harness, path: string) => (await (await h.app.request(path)).json()) as Doc;

/**
 * Every vector file's name and bytes, and the manifest; nothing is written. `online`, when given, runs against the
 * same app once the files are made (so a test can verify them online against the log they came from).
 */
export async function generateVectors(
  online?: (h: Harness, files: Map<string, string>) => Promise<void>,
): Promise<Map<string, string>> {
  const keys = await signingKeysFrom(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: toBase64Url(SEED) }));
  const h = await makeHarness({ publicUrl: HOST, keys, start: START, random: seededRandom('assent-vectors') });
  try {
    // Other subscribers first, so the inclusion paths have several hashes.
    for (const phone of ['06 11 22 33 44', '06 55 66 77 88']) await optIn(h, phone);
    const fr = (await (await optIn(h, '06 12 34 56 78')).json()) as { consentId: string };
    const en = (await (await optIn(h, '06 98 76 54 32', { locale: 'en' })).json()) as { consentId: string };
    await h.flush();
    h.advance(90_000);
    if ((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status !== 200) throw new Error('confirm');
    await h.flush();
    h.advance(60_000);
    await h.flush();
    const confirmed = await evidence(h, fr.consentId);
    const english = await evidence(h, en.consentId);

    h.advance(3 * 86_400_000);
    if ((await h.app.request(`/u/${linkToken(h, 'u')}`, { method: 'POST' })).status !== 200)
      throw new Error('unsubscribe');
    await h.flush();
    const withdrawn = await evidence(h, fr.consentId);

    h.advance(86_400_000);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const lookup = await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '06 12 34 56 78' }, auth));
    const { subscriberId } = (await lookup.json()) as { subscriberId: string };
    if (
      (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { method: 'DELETE', headers: auth })).status >=
      300
    )
      throw new Error('erase');
    await h.flush();
    const erased = await evidence(h, fr.consentId);

    h.advance(60_000);
    const late = (await (await optIn(h, '06 44 55 66 77')).json()) as { consentId: string };
    const pending = await evidence(h, late.consentId);
    await h.flush();

    const jwks = await json200(h, '/.well-known/jwks.json');
    const log = await json200(h, '/v1/sites/demo/log');
    const files = new Map<string, string>();
    files.set('jwks.json', text(jwks));
    files.set('log-key.txt', `${log.verifierKey}\n`);
    const cases: VectorCase[] = [];
    const add = (c: Omit<VectorCase, 'pins'> & { pins?: Pins }, doc: Doc | string) => {
      cases.push({ pins: PINNED, ...c });
      files.set(c.file, typeof doc === 'string' ? doc : text(doc));
    };
    /** The operator's own key re-signs whatever the receipt now says. */
    const resign = async (doc: Doc) => ({ ...doc, jws: await signReceipt(doc.receipt, keys.ring) });
    const clone = (doc: Doc): Doc => structuredClone(doc);

    add(
      {
        file: 'genuine-confirmed.json',
        description: 'A consent confirmed by its SMS link, every event covered by the checkpoint.',
        verdict: 'VALID',
        check: null,
      },
      confirmed,
    );
    add(
      {
        file: 'genuine-withdrawn.json',
        description: 'The same consent after the subscriber left by the link.',
        verdict: 'VALID',
        check: null,
      },
      withdrawn,
    );
    add(
      {
        file: 'genuine-erased.json',
        description: 'The same consent after erasure: subject "•••", every logged fact kept.',
        verdict: 'VALID',
        check: null,
      },
      erased,
    );
    add(
      {
        file: 'genuine-pending.json',
        description: 'A consent just asked for: its requested leaf is not yet in a signed checkpoint.',
        verdict: 'PENDING',
        check: firstInclusion(pending),
      },
      pending,
    );

    // Forgeries made with the operator's own receipt key, verified with the real JWKS and log key pinned.
    const backdated = clone(confirmed);
    backdated.receipt.collection.at = new Date(
      Date.parse(backdated.receipt.collection.at) - 35 * 86_400_000,
    ).toISOString();
    add(
      {
        file: 'forged-backdated.json',
        description: 'Receipt re-signed with collection.at five weeks earlier than the requested leaf.',
        verdict: 'INVALID',
        check: 'receipt-facts',
      },
      await resign(backdated),
    );

    const kept = clone(withdrawn);
    Object.assign(kept.receipt, { status: 'confirmed', withdrawal: null });
    add(
      {
        file: 'forged-withdrawal-kept.json',
        description: 'Receipt re-signed as "confirmed, never withdrawn" while the withdrawn leaf stays in the file.',
        verdict: 'INVALID',
        check: 'receipt-facts',
      },
      await resign(kept),
    );

    const omitted = clone(kept);
    omitted.log.entries = omitted.log.entries.filter((e: Doc) => e.leaf.type !== 'withdrawn');
    add(
      {
        file: 'forged-withdrawal-omitted.json',
        description:
          'Receipt re-signed as "confirmed" and the withdrawn leaf left out. Offline nothing in the file betrays a missing last leaf: VALID, the status stated as of the last leaf shown. Online the log holds that leaf under the file\'s own checkpoint: INVALID (log-now).',
        verdict: omittedVerdict.verdict,
        check: omittedVerdict.check,
      },
      await resign(omitted),
    );

    const french = clone(confirmed);
    Object.assign(french.receipt, { language: 'en' });
    french.receipt.notice = { ...english.receipt.notice };
    french.notice = clone(english.notice);
    add(
      {
        file: 'forged-english-notice.json',
        description:
          'Receipt re-signed citing the English policy and texts (with their real bytes) while the leaves say French.',
        verdict: 'INVALID',
        check: 'receipt-facts',
      },
      await resign(french),
    );

    const flipped = clone(confirmed);
    flipped.receipt.confirmation.sameDeviceAsRequest = !flipped.receipt.confirmation.sameDeviceAsRequest;
    add(
      {
        file: 'forged-same-device-flipped.json',
        description: 'Receipt re-signed with confirmation.sameDeviceAsRequest flipped.',
        verdict: 'INVALID',
        check: 'receipt-facts',
      },
      await resign(flipped),
    );

    const forger = createKeyRing({ current: await generateSigningKeyFrom(0x40) });
    const swapped = clone(backdated);
    swapped.keys.jwks.keys = [{ ...publicJwks(forger).keys[0]!, kid: keys.ring.current.kid }];
    swapped.jws = await signReceipt(
      swapped.receipt,
      createKeyRing({ current: { ...forger.current, kid: keys.ring.current.kid } }),
    );
    add(
      {
        file: 'forged-kid-kept-key-swapped.json',
        description:
          "The server's kid kept, another key in the file's JWKS and the back-dated receipt signed by it; only the log key pinned.",
        verdict: 'INVALID',
        check: 'jwks',
        pins: { logKey: 'log-key.txt' },
      },
      swapped,
    );

    // JSON.parse keeps the last "status" (the signed "withdrawn"), jq and Python the first ("confirmed").
    const withdrawnText = text(withdrawn);
    const duplicate = withdrawnText.replace('"receipt": {\n', '"receipt": {\n    "status": "confirmed",\n');
    if (duplicate === withdrawnText) throw new Error('no receipt to duplicate a key in');
    add(
      {
        file: 'forged-duplicate-keys.json',
        description: 'The receipt holds "status" twice: "confirmed" first, the signed "withdrawn" last.',
        verdict: 'INVALID',
        check: 'duplicate-keys',
      },
      duplicate,
    );

    const renamed = clone(confirmed);
    renamed.format = 'assent-evidence/2';
    renamed.notice.widgetTexts.texts = {
      ...renamed.notice.widgetTexts.texts,
      intro: 'Texts the subscriber never saw.',
    };
    add(
      {
        file: 'forged-format-renamed.json',
        description: 'format renamed, and the widget texts replaced: once skipped as a plain proof, now refused.',
        verdict: 'INVALID',
        check: 'proof-format',
      },
      renamed,
    );

    const unformatted = clone(renamed);
    delete unformatted.format;
    add(
      {
        file: 'forged-format-removed.json',
        description: 'format removed from an evidence file (keys and notice kept).',
        verdict: 'INVALID',
        check: 'proof-format',
      },
      unformatted,
    );

    const status = clone(confirmed);
    status.log.status = 'complete';
    add(
      {
        file: 'forged-log-status.json',
        description: 'log.status neither "included" nor "pending".',
        verdict: 'INVALID',
        check: 'log-status',
      },
      status,
    );

    const contradicts = clone(pending);
    contradicts.log.status = 'included';
    add(
      {
        file: 'forged-log-status-included.json',
        description: 'log.status says "included" while an event waits for a checkpoint.',
        verdict: 'INVALID',
        check: 'log-status',
      },
      contradicts,
    );

    const version = clone(confirmed);
    version.notice.policy.version = version.receipt.notice.policyVersion + 1;
    add(
      {
        file: 'forged-policy-version.json',
        description: "notice.policy.version names another version than the receipt's notice.policyVersion.",
        verdict: 'INVALID',
        check: 'notice-policy',
      },
      version,
    );

    const textsLocale = clone(confirmed);
    textsLocale.notice.widgetTexts.locale = 'en';
    add(
      {
        file: 'forged-texts-locale.json',
        description: "notice.widgetTexts.locale is not the receipt's notice.locale.",
        verdict: 'INVALID',
        check: 'notice-texts',
      },
      textsLocale,
    );

    const b64url = clone(confirmed);
    b64url.jws = nonCanonicalTail(b64url.jws);
    add(
      {
        file: 'forged-noncanonical-base64url.json',
        description: 'The JWS signature spelled with non-zero unused trailing bits (same bytes, another text).',
        verdict: 'INVALID',
        check: 'receipt-signature',
      },
      b64url,
    );

    const b64 = clone(confirmed);
    const path = b64.log.entries.find((e: Doc) => e.inclusion.length > 0);
    path.inclusion[0] = path.inclusion[0].replace(
      /(.)=$/,
      (_: string, c: string) => `${String.fromCharCode(c.charCodeAt(0) + 1)}=`,
    );
    add(
      {
        file: 'forged-noncanonical-base64.json',
        description: 'An inclusion hash spelled with non-zero unused trailing bits.',
        verdict: 'INVALID',
        check: `inclusion[${path.index}]`,
      },
      b64,
    );

    const origin = clone(confirmed);
    origin.keys.log.origin = origin.keys.log.origin.replace('/log/', '/logs/');
    add(
      {
        file: 'forged-log-origin.json',
        description: "keys.log.origin differs from the pinned log key's name and the checkpoint's origin.",
        verdict: 'INVALID',
        check: 'checkpoint-origin',
      },
      origin,
    );

    files.set(
      'manifest.json',
      text({ format: 'assent-vectors/1', generatedBy: 'test/vectors/generate.ts', seed: toBase64Url(SEED), cases }),
    );
    await online?.(h, files);
    return files;
  } finally {
    await h.close();
  }
}

/**
 * What the omitted-withdrawal forgery gets offline, stated here so the manifest says it plainly: VALID as of the last
 * leaf shown. Change it when a verifier can see past the file.
 */
const omittedVerdict = { verdict: 'VALID' as const, check: null };

function firstInclusion(doc: Doc): string {
  const waiting = [...(doc.log.pending ?? [])].sort((a: Doc, b: Doc) => a.index - b.index)[0];
  return doc.log.checkpoint === null ? 'checkpoint-signature' : `inclusion[${waiting.index}]`;
}

/** The last character of the signature part bumped within its unused bits: another text, the same 64 bytes. */
function nonCanonicalTail(jws: string): string {
  const [head, body, sig] = jws.split('.') as [string, string, string];
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(sig.at(-1)!);
  const bumped = `${sig.slice(0, -1)}${alphabet[last + 1]}`;
  if (toBase64Url(fromBase64Url(bumped)) !== sig) throw new Error('the bumped character changed the bytes');
  return `${head}.${body}.${bumped}`;
}

/** A forger's key, fixed too so the vectors stay reproducible. */
async function generateSigningKeyFrom(first: number) {
  const d = toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => first + i));
  return (await signingKeysFrom(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d }))).ring.current;
}

/** Rewrites the folder. */
export async function writeVectors(dir = VECTORS_DIR): Promise<string[]> {
  const files = await generateVectors();
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (!files.has(name) && name.endsWith('.json')) rmSync(join(dir, name));
  for (const [name, content] of files) writeFileSync(join(dir, name), content);
  return [...files.keys()];
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const written = await writeVectors();
  process.stdout.write(`${written.length} files written to docs/vectors/\n`);
}
