#!/usr/bin/env node
// Assent standalone verifier: checks a consent proof (URL) or an evidence file with WebCrypto only.
// Usage: node verify.mjs <proof-url | evidence.json> [--offline] — run it with --help for every option.
// Built from worker/verify and worker/crypto of the Assent repository; readable on purpose, nothing minified.

// worker/verify/standalone.ts
import { readFile, writeFile } from "node:fs/promises";

// worker/crypto/encoding.ts
var utf8Encoder = new TextEncoder();
var utf8Decoder = new TextDecoder("utf-8", { fatal: true });
function utf8(text2) {
  return utf8Encoder.encode(text2);
}
function fromUtf8(bytes) {
  return utf8Decoder.decode(bytes);
}
var BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
var BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
function encode64(bytes, alphabet, pad) {
  let out = "";
  const whole = bytes.length - bytes.length % 3;
  for (let i = 0; i < whole; i += 3) {
    const v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    out += alphabet[v >>> 18] + alphabet[v >>> 12 & 63] + alphabet[v >>> 6 & 63] + alphabet[v & 63];
  }
  if (bytes.length - whole === 1) {
    const v = bytes[whole] << 16;
    out += alphabet[v >>> 18] + alphabet[v >>> 12 & 63] + (pad ? "==" : "");
  } else if (bytes.length - whole === 2) {
    const v = bytes[whole] << 16 | bytes[whole + 1] << 8;
    out += alphabet[v >>> 18] + alphabet[v >>> 12 & 63] + alphabet[v >>> 6 & 63] + (pad ? "=" : "");
  }
  return out;
}
function toBase64(bytes) {
  return encode64(bytes, BASE64, true);
}
var BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function fromBase64(text2) {
  if (!BASE64_RE.test(text2)) throw new TypeError("invalid base64");
  const binary = atob(text2);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
function toBase64Url(bytes) {
  return encode64(bytes, BASE64URL, false);
}
function fromBase64Url(text2) {
  if (!/^[A-Za-z0-9_-]*$/.test(text2) || text2.length % 4 === 1) throw new TypeError("invalid base64url");
  const b64 = text2.replace(/-/g, "+").replace(/_/g, "/");
  return fromBase64(b64 + "=".repeat((4 - b64.length % 4) % 4));
}
var HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
function toHex(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}
function concatBytes(...parts) {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
function bytesEqual(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

// worker/crypto/note.ts
var ALG_ED25519 = 1;
var PKCS8_ED25519_PREFIX = new Uint8Array([
  48,
  46,
  2,
  1,
  0,
  48,
  5,
  6,
  3,
  43,
  101,
  112,
  4,
  34,
  4,
  32
]);
var NoteError = class extends Error {
  name = "NoteError";
};
function assertName(name) {
  if (name.length === 0 || /[\s+]/u.test(name) || new RegExp("\\p{Cc}", "u").test(name)) {
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
  }
}
async function keyHashOf(name, publicKey) {
  const digest = await sha256(concatBytes(utf8(`${name}
`), new Uint8Array([ALG_ED25519]), publicKey));
  return digest.slice(0, 4);
}
function splitPlus(text2, count) {
  const parts = text2.split("+");
  if (parts.length < count) return parts;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join("+")];
}
async function parseVerifierKey(vkey) {
  const parts = splitPlus(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoteError("malformed verifier key");
  const [name, hashHex, keyB64] = parts;
  assertName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new NoteError("malformed verifier key hash");
  let raw;
  try {
    raw = fromBase64(keyB64);
  } catch {
    throw new NoteError("malformed verifier key encoding");
  }
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) throw new NoteError("unsupported verifier key algorithm");
  const publicKey = raw.slice(1);
  const keyHash = await keyHashOf(name, publicKey);
  if (toHex(keyHash) !== hashHex) throw new NoteError("verifier key hash does not match the key");
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return {
    name,
    keyHash,
    publicKey,
    verify: (message3, signature) => crypto.subtle.verify({ name: "Ed25519" }, key, signature, message3)
  };
}
function assertNoteText(text2) {
  if (!text2.endsWith("\n")) throw new NoteError("note text must end in a newline");
  if (text2.includes("\n\n") || text2.startsWith("\n")) throw new NoteError("note text must not contain blank lines");
  if (/[^\P{Cc}\n]/u.test(text2)) throw new NoteError("note text contains control characters");
}
function parseNote(note) {
  const split = note.lastIndexOf("\n\n");
  if (split < 0 || !note.endsWith("\n")) throw new NoteError("malformed note");
  const text2 = note.slice(0, split + 1);
  assertNoteText(text2);
  const lines = note.slice(split + 2, -1).split("\n");
  const signatures = lines.map((line) => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) throw new NoteError("malformed signature line");
    const raw = fromBase64(match[2]);
    if (raw.length < 5) throw new NoteError("signature too short");
    return { name: match[1], keyHash: raw.slice(0, 4), signature: raw.slice(4) };
  });
  if (signatures.length === 0) throw new NoteError("note has no signatures");
  return { text: text2, signatures };
}
async function openNote(note, verifier) {
  const { text: text2, signatures } = parseNote(note);
  const mine = signatures.filter((s) => s.name === verifier.name && bytesEqual(s.keyHash, verifier.keyHash));
  if (mine.length === 0) throw new NoteError(`no signature by ${verifier.name}+${toHex(verifier.keyHash)}`);
  for (const sig of mine) {
    if (sig.signature.length === 64 && await verifier.verify(utf8(text2), sig.signature)) return text2;
  }
  throw new NoteError(`invalid signature by ${verifier.name}`);
}
function parseCheckpointBody(body) {
  const lines = body.slice(0, -1).split("\n");
  if (lines.length < 3) throw new NoteError("checkpoint needs origin, size and root lines");
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin.length === 0) throw new NoteError("checkpoint origin is empty");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw new NoteError("checkpoint size is not a decimal integer");
  }
  let rootHash;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    throw new NoteError("checkpoint root is not base64");
  }
  if (rootHash.length !== 32) throw new NoteError("checkpoint root is not 32 bytes");
  return { origin, size: Number(sizeText), rootHash, extensions };
}
function parseCheckpoint(note) {
  const { text: text2, signatures } = parseNote(note);
  return { ...parseCheckpointBody(text2), body: text2, signatures };
}
async function verifyCheckpoint(note, verifierKey) {
  const verifier = typeof verifierKey === "string" ? await parseVerifierKey(verifierKey) : verifierKey;
  await openNote(note, verifier);
  return parseCheckpoint(note);
}

// worker/crypto/jcs.ts
var JcsError = class extends TypeError {
  name = "JcsError";
};
var LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function serializeString(value, path) {
  if (LONE_SURROGATE.test(value)) throw new JcsError(`lone surrogate in string at ${path}`);
  return JSON.stringify(value);
}
function serializeNumber(value, path) {
  if (!Number.isFinite(value)) throw new JcsError(`non-finite number at ${path}`);
  return JSON.stringify(value);
}
function serialize(value, path, seen) {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serializeNumber(value, path);
    case "string":
      return serializeString(value, path);
    case "object":
      break;
    default:
      throw new JcsError(`cannot canonicalize ${typeof value} at ${path}`);
  }
  const obj = value;
  if (typeof obj.toJSON === "function") {
    return serialize(obj.toJSON(), path, seen);
  }
  if (seen.has(obj)) throw new JcsError(`cycle at ${path}`);
  seen.add(obj);
  let out;
  if (Array.isArray(obj)) {
    const parts = obj.map((item, i) => {
      if (item === void 0) throw new JcsError(`undefined at ${path}[${i}]`);
      return serialize(item, `${path}[${i}]`, seen);
    });
    out = `[${parts.join(",")}]`;
  } else {
    const keys = Object.keys(obj).sort();
    const parts = [];
    for (const key of keys) {
      const item = obj[key];
      if (item === void 0) continue;
      parts.push(`${serializeString(key, path)}:${serialize(item, `${path}.${key}`, seen)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  seen.delete(obj);
  return out;
}
function canonicalize(value) {
  if (value === void 0) throw new JcsError("cannot canonicalize undefined");
  return serialize(value, "$", /* @__PURE__ */ new Set());
}
function jcsBytes(value) {
  return utf8(canonicalize(value));
}

// worker/verify/notice.ts
var hex = async (bytes) => toHex(await sha256(bytes));
var message = (error) => error instanceof Error ? error.message : String(error);
async function checkNotice(receipt2, sources) {
  const notice = receipt2.notice ?? {};
  const site = String(receipt2.site);
  const locale = String(notice.locale);
  const version = Number(notice.policyVersion);
  const checks = [];
  const existing = receipt2.existingCustomer;
  const imported = receipt2.imported;
  if (imported && typeof imported === "object") {
    const wording = typeof imported.wording === "string" ? imported.wording : null;
    const digest = wording === null ? null : await hex(new TextEncoder().encode(wording));
    const same = digest !== null && digest === notice.widgetTextSha256 && digest === imported.wordingSha256;
    const source = typeof imported.source === "string" ? imported.source : null;
    const hashed = "sourceSha256" in imported;
    const sourceDigest = hashed && source !== null ? await hex(new TextEncoder().encode(source)) : null;
    const sourceSame = sourceDigest === null || sourceDigest === imported.sourceSha256;
    const sourceNote = !hashed ? "" : source === null ? " (the source was erased: its SHA-256 stays in the log)" : ", the source to its sourceSha256";
    checks.push({
      name: "notice-texts",
      ok: same && sourceSame,
      detail: !same ? `the declared wording hashes to ${String(digest)}, not ${String(notice.widgetTextSha256)}` : !sourceSame ? `the declared source hashes to ${String(sourceDigest)}, not ${String(imported.sourceSha256)}` : `the wording the site owner declared hashes to the receipt's widgetTextSha256${sourceNote}`
    });
  } else if (receipt2.basis === "existing_customer" && existing && typeof existing === "object") {
    const shown = typeof existing.noticeText === "string" ? existing.noticeText : null;
    const digest = shown === null ? null : await hex(new TextEncoder().encode(shown));
    const same = digest !== null && digest === notice.widgetTextSha256 && digest === existing.noticeSha256;
    checks.push({
      name: "notice-texts",
      ok: same,
      detail: same ? "the existing-customer notice text hashes to the receipt's widgetTextSha256" : `the notice text hashes to ${String(digest)}, not ${String(notice.widgetTextSha256)}`
    });
  } else
    try {
      const shown = await sources.widgetTexts(site, String(notice.widgetTextSha256));
      const object2 = { locale: shown.locale, policyVersion: shown.policyVersion, texts: shown.texts };
      const digest = await hex(new TextEncoder().encode(canonicalize(object2)));
      const same = digest === notice.widgetTextSha256 && shown.locale === locale && shown.policyVersion === version;
      checks.push({
        name: "notice-texts",
        ok: same,
        detail: same ? `the widget texts shown (${locale}) hash to the receipt's widgetTextSha256` : digest !== notice.widgetTextSha256 ? `texts hash to ${digest}, not ${String(notice.widgetTextSha256)}` : `the texts say locale ${JSON.stringify(shown.locale)} and policy version ${JSON.stringify(shown.policyVersion)}, the receipt ${locale} and ${version}`
      });
    } catch (error) {
      checks.push({ name: "notice-texts", ok: false, detail: `texts not available: ${message(error)}` });
    }
  try {
    const digest = await hex(await sources.policyMarkdown(site, version, locale));
    const same = digest === notice.policySha256;
    checks.push({
      name: "notice-policy",
      ok: same,
      detail: same ? `policy version ${version} (${locale}) hashes to the receipt's policySha256` : `policy bytes hash to ${digest}, not ${String(notice.policySha256)}`
    });
  } catch (error) {
    checks.push({ name: "notice-policy", ok: false, detail: `policy not available: ${message(error)}` });
  }
  return checks;
}

// worker/verify/strict-json.ts
var DuplicateKeyError = class extends SyntaxError {
  constructor(key, path) {
    super(`duplicate JSON key ${JSON.stringify(key)} in ${path}`);
    this.key = key;
    this.path = path;
  }
  key;
  path;
  name = "DuplicateKeyError";
};
var childPath = (frame) => {
  if (!frame) return "$";
  return frame.keys ? `${frame.path}${/^[A-Za-z_$][\w$]*$/.test(frame.member) ? `.${frame.member}` : `[${JSON.stringify(frame.member)}]`}` : `${frame.path}[${frame.index}]`;
};
function parseJsonStrict(text2) {
  const value = JSON.parse(text2);
  const stack = [];
  let expectKey = false;
  for (let i = 0; i < text2.length; i++) {
    const c = text2[i];
    if (c === '"') {
      const start = i;
      for (i++; text2[i] !== '"'; i++) if (text2[i] === "\\") i++;
      const top = stack[stack.length - 1];
      if (top?.keys && expectKey) {
        const key = JSON.parse(text2.slice(start, i + 1));
        if (top.keys.has(key)) throw new DuplicateKeyError(key, top.path);
        top.keys.add(key);
        top.member = key;
        expectKey = false;
      }
    } else if (c === "{" || c === "[") {
      const parent = stack[stack.length - 1];
      stack.push({ keys: c === "{" ? /* @__PURE__ */ new Set() : null, path: childPath(parent), member: "", index: 0 });
      expectKey = c === "{";
    } else if (c === "}" || c === "]") {
      stack.pop();
      expectKey = false;
    } else if (c === ",") {
      const top = stack[stack.length - 1];
      if (top.keys) expectKey = true;
      else top.index++;
    }
  }
  return value;
}

// worker/crypto/merkle.ts
var LEAF_PREFIX = new Uint8Array([0]);
var NODE_PREFIX = new Uint8Array([1]);
function leafHash(data) {
  return sha256(concatBytes(LEAF_PREFIX, data));
}
function nodeHash(left, right) {
  return sha256(concatBytes(NODE_PREFIX, left, right));
}
function isPowerOfTwo(n) {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
async function verifyInclusion(leaf, index, size, proof, root) {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(r, root);
}
async function verifyConsistency(size1, size2, proof, root1, root2) {
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size1 > size2) return false;
  if (proof.some((p) => p.length !== 32)) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = [...proof];
  if (isPowerOfTwo(size1)) path.unshift(root1);
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = (fn - 1) / 2;
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn /= 2;
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}

// worker/verify/canonical.ts
var EncodingError = class extends TypeError {
  name = "EncodingError";
};
var toUrl = (b64) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
function fromCanonicalBase64(text2, what = "value") {
  let bytes;
  try {
    bytes = fromBase64(text2);
  } catch {
    throw new EncodingError(`${what} is not base64`);
  }
  if (toBase64(bytes) !== text2)
    throw new EncodingError(`${what} is not canonical base64 (its unused trailing bits are not zero)`);
  return bytes;
}
function fromCanonicalBase64Url(text2, what = "value") {
  if (typeof text2 !== "string" || !/^[A-Za-z0-9_-]*$/.test(text2))
    throw new EncodingError(`${what} is not base64url (padding or a character outside the URL alphabet)`);
  let bytes;
  try {
    bytes = fromBase64Url(text2);
  } catch {
    throw new EncodingError(`${what} is not base64url`);
  }
  if (toUrl(toBase64(bytes)) !== text2)
    throw new EncodingError(`${what} is not canonical base64url (its unused trailing bits are not zero)`);
  return bytes;
}
var isCanonicalBase64 = (text2) => {
  try {
    return typeof text2 === "string" && fromCanonicalBase64(text2) !== void 0;
  } catch {
    return false;
  }
};
async function ed25519Thumbprint(x) {
  return toUrl(toBase64(await sha256(utf8(`{"crv":"Ed25519","kty":"OKP","x":${JSON.stringify(x)}}`))));
}
async function checkReceiptJwk(jwk) {
  const key = jwk && typeof jwk === "object" ? jwk : {};
  const kid = typeof key.kid === "string" ? key.kid : void 0;
  const name = kid === void 0 ? "a key with no kid" : `key ${kid}`;
  if (kid === void 0) return { ok: false, problem: `${name}: every key needs its RFC 7638 thumbprint as kid` };
  if (key.kty !== "OKP" || key.crv !== "Ed25519")
    return { ok: false, problem: `${name} is not an Ed25519 key (kty OKP, crv Ed25519)` };
  try {
    if (fromCanonicalBase64Url(String(key.x), `${name}: x`).length !== 32)
      return { ok: false, problem: `${name}: x is not 32 bytes` };
    fromCanonicalBase64Url(kid, `${name}: kid`);
  } catch (error) {
    return { ok: false, problem: error.message };
  }
  const thumbprint = await ed25519Thumbprint(String(key.x));
  if (thumbprint !== kid)
    return {
      ok: false,
      kidMismatch: true,
      problem: `${name}: its RFC 7638 thumbprint is ${thumbprint}, not its kid: the key was swapped or the kid made up`
    };
  return { ok: true, kid, thumbprint };
}
async function jwksProblem(jwks) {
  const keys = jwks?.keys;
  if (!Array.isArray(keys)) return 'the JWKS has no "keys" array';
  for (const key of keys) {
    const checked = await checkReceiptJwk(key);
    if (!checked.ok) return checked.problem;
  }
  return null;
}
function splitVerifierKey(key) {
  const first = key.indexOf("+");
  const second = first < 0 ? -1 : key.indexOf("+", first + 1);
  if (first <= 0 || second < 0) return null;
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
}
function checkpointEncodingProblem(note) {
  const split = note.lastIndexOf("\n\n");
  const body = note.slice(0, split + 1).split("\n");
  const root = body[2];
  if (root !== void 0 && !isCanonicalBase64(root)) return "the checkpoint root is not canonical base64";
  for (const line of note.slice(split + 2).split("\n").filter(Boolean)) {
    const value = line.slice(line.lastIndexOf(" ") + 1);
    if (!isCanonicalBase64(value)) return "a checkpoint signature line is not canonical base64";
  }
  return null;
}

// worker/verify/leaf-facts.ts
var HEX_SHA256 = /^[0-9a-f]{64}$/;
function importedSource(leaf) {
  const hasHash = "sourceSha256" in leaf;
  const hasText = "source" in leaf;
  if (hasHash === hasText) throw new Error("imported leaf: holds neither or both of source and sourceSha256");
  if (hasHash) {
    if (typeof leaf.sourceSha256 !== "string" || !HEX_SHA256.test(leaf.sourceSha256))
      throw new Error("imported leaf: sourceSha256 is not a hex SHA-256");
    return { source: null, sourceSha256: leaf.sourceSha256 };
  }
  if (typeof leaf.source !== "string") throw new Error("imported leaf: source is not a string");
  return { source: leaf.source, sourceSha256: null };
}
var str = (value) => typeof value === "string" ? value : null;
function deriveFacts(leaves) {
  const first = leaves[0];
  if (!first) return "no leaf";
  if (first.type !== "requested" && first.type !== "recorded" && first.type !== "imported")
    return `the first leaf is ${String(first.type)}, not requested, recorded or imported`;
  const recorded = first.type === "recorded";
  const imported = first.type === "imported";
  const text2 = (leaf, field) => {
    const value = leaf[field];
    if (typeof value !== "string") throw new Error(`${String(leaf.type)} leaf: ${field} is not a string`);
    return value;
  };
  try {
    const policyVersion = first.policyVersion;
    if (!Number.isSafeInteger(policyVersion)) return `${String(first.type)} leaf: policyVersion is not an integer`;
    if (recorded && first.basis !== "existing_customer") return "recorded leaf: basis is not existing_customer";
    if (imported && (first.basis !== "imported" || first.declaredBy !== "site-owner" || first.doubleOptIn !== false))
      return "imported leaf: not declared by the site owner (basis imported, declaredBy site-owner, doubleOptIn false)";
    const facts = {
      consentId: text2(first, "consentId"),
      site: text2(first, "site"),
      // An existing customer is not asked: the record itself is the basis, in force from the start.
      status: recorded ? "confirmed" : imported ? "imported" : "pending",
      basis: recorded ? "existing_customer" : imported ? "imported" : "consent",
      existingCustomer: recorded ? {
        purpose: text2(first, "purpose"),
        saleDate: text2(first, "saleDate"),
        saleReference: text2(first, "saleReference"),
        noticeSha256: text2(first, "noticeSha256")
      } : null,
      imported: imported ? {
        declaredBy: "site-owner",
        consentedAt: text2(first, "consentedAt"),
        ...importedSource(first),
        wordingSha256: text2(first, "wordingSha256")
      } : null,
      renewals: [],
      locale: text2(first, "locale"),
      collection: {
        method: recorded ? "existing-customer" : imported ? "import" : text2(first, "method"),
        at: text2(first, "at")
      },
      notice: {
        policyVersion,
        policySha256: text2(first, "policySha256"),
        widgetTextSha256: text2(first, recorded ? "noticeSha256" : imported ? "wordingSha256" : "textSha256"),
        locale: text2(first, "locale")
      },
      expiresAt: str(first.expiresAt),
      confirmation: null,
      withdrawal: null,
      expiredAt: null,
      erasure: null,
      messages: [],
      lastAt: text2(first, "at")
    };
    const moveFrom = (leaf, from, to) => {
      if (!from.includes(facts.status))
        throw new Error(`a ${String(leaf.type)} leaf follows the state ${facts.status}`);
      facts.status = to;
    };
    for (const leaf of leaves.slice(1)) {
      const at2 = text2(leaf, "at");
      facts.lastAt = at2;
      switch (leaf.type) {
        case "requested":
        case "recorded":
        case "imported":
          throw new Error(`a ${leaf.type} leaf after the first`);
        case "renewed": {
          moveFrom(leaf, ["confirmed"], "confirmed");
          const version = leaf.policyVersion;
          if (!Number.isSafeInteger(version)) throw new Error("renewed leaf: policyVersion is not an integer");
          facts.renewals.push({ at: at2, policyVersion: version, policySha256: text2(leaf, "policySha256") });
          break;
        }
        case "resent":
          moveFrom(leaf, ["pending"], "pending");
          facts.expiresAt = str(leaf.expiresAt);
          break;
        case "confirmed": {
          const wasImported = facts.status === "imported";
          moveFrom(leaf, ["pending", "imported"], "confirmed");
          if (wasImported) {
            const version = leaf.policyVersion;
            if (!Number.isSafeInteger(version))
              throw new Error("confirmed leaf of an import: policyVersion is not an integer");
            facts.basis = "consent";
            facts.renewals.push({ at: at2, policyVersion: version, policySha256: text2(leaf, "policySha256") });
          }
          facts.confirmation = leaf.method === "reply" ? {
            method: "reply",
            at: at2,
            channel: str(leaf.channel),
            messageId: str(leaf.messageId),
            textSha256: str(leaf.textSha256)
          } : { method: "link", at: at2, sameDeviceAsRequest: leaf.sameDeviceAsRequest === true };
          break;
        }
        case "withdrawn":
          moveFrom(leaf, ["pending", "confirmed", "imported"], "withdrawn");
          facts.withdrawal = {
            method: text2(leaf, "method"),
            at: at2,
            keyword: str(leaf.keyword),
            messageId: str(leaf.messageId),
            textSha256: str(leaf.textSha256)
          };
          break;
        case "expired":
          moveFrom(leaf, ["pending", "imported"], "expired");
          facts.expiredAt = at2;
          break;
        case "erased":
          moveFrom(leaf, ["pending", "confirmed", "withdrawn", "expired", "imported"], "erased");
          facts.erasure = { at: at2, reason: str(leaf.reason), previousStatus: str(leaf.previousStatus) };
          break;
        case "sms-sent":
          facts.messages.push({
            at: at2,
            kind: str(leaf.kind),
            provider: str(leaf.provider),
            providerMessageId: str(leaf.providerMessageId),
            bodySha256: str(leaf.bodySha256),
            messageId: str(leaf.messageId),
            delivery: []
          });
          break;
        case "delivery": {
          const sms = facts.messages.find((m) => m.messageId !== null && m.messageId === leaf.messageId);
          if (!sms) throw new Error("a delivery leaf names no SMS logged before it");
          sms.delivery.push({ at: at2, status: text2(leaf, "status") });
          break;
        }
        default:
          throw new Error(`unknown leaf type ${String(leaf.type)}`);
      }
    }
    return facts;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
async function chainBreak(entries) {
  let previous = null;
  for (const entry of entries) {
    const prev = entry.leaf.prev;
    if (previous === null) {
      if (prev !== void 0)
        return `leaf ${entry.index} names a previous leaf ${String(prev?.index)} that the proof does not hold`;
    } else if (prev === void 0 || typeof prev !== "object" || prev === null) {
      return `leaf ${entry.index} names no previous leaf (expected ${previous.index})`;
    } else if (prev.index !== previous.index || prev.hash !== previous.hash) {
      return `leaf ${entry.index} follows leaf ${String(prev.index)}, but the proof's previous leaf is ${previous.index}: a leaf is missing`;
    }
    previous = { index: entry.index, hash: toBase64(await leafHash(jcsBytes(entry.leaf))) };
  }
  return null;
}
var at = (value, path) => path.split(".").reduce((v, key) => v && typeof v === "object" ? v[key] : void 0, value);
function expectedReceiptFields(facts) {
  const fields = {
    consentId: facts.consentId,
    site: facts.site,
    language: facts.locale,
    status: facts.status,
    "subject.erased": facts.erasure !== null,
    "notice.policyVersion": facts.notice.policyVersion,
    "notice.policySha256": facts.notice.policySha256,
    "notice.widgetTextSha256": facts.notice.widgetTextSha256,
    "notice.locale": facts.notice.locale,
    "collection.method": facts.collection.method,
    "collection.at": facts.collection.at,
    "confirmation.method": facts.confirmation?.method ?? null,
    "confirmation.at": facts.confirmation?.at ?? null,
    "withdrawal.method": facts.withdrawal?.method ?? null,
    "withdrawal.at": facts.withdrawal?.at ?? null,
    "withdrawal.keyword": facts.withdrawal?.keyword ?? null
  };
  if (facts.confirmation?.method === "link")
    fields["confirmation.sameDeviceAsRequest"] = facts.confirmation.sameDeviceAsRequest;
  if (facts.confirmation?.method === "reply") fields["confirmation.channel"] = facts.confirmation.channel;
  fields.basis = facts.basis === "consent" ? void 0 : facts.basis;
  const ec = facts.existingCustomer;
  if (ec) {
    fields["existingCustomer.purpose"] = ec.purpose;
    fields["existingCustomer.saleDate"] = ec.saleDate;
    fields["existingCustomer.saleReference"] = ec.saleReference;
    fields["existingCustomer.noticeSha256"] = ec.noticeSha256;
  } else fields.existingCustomer = void 0;
  const im = facts.imported;
  if (im) {
    fields["imported.declaredBy"] = im.declaredBy;
    fields["imported.consentedAt"] = im.consentedAt;
    if (im.sourceSha256 !== null) fields["imported.sourceSha256"] = im.sourceSha256;
    else {
      fields["imported.source"] = im.source;
      fields["imported.sourceSha256"] = void 0;
    }
    fields["imported.wordingSha256"] = im.wordingSha256;
  } else fields.imported = void 0;
  fields["renewals.length"] = facts.renewals.length > 0 ? facts.renewals.length : void 0;
  facts.renewals.forEach((r, i) => {
    fields[`renewals.${i}.at`] = r.at;
    fields[`renewals.${i}.policyVersion`] = r.policyVersion;
    fields[`renewals.${i}.policySha256`] = r.policySha256;
  });
  return fields;
}
function receiptMismatches(receipt2, facts) {
  const mismatches = [];
  for (const [field, expected] of Object.entries(expectedReceiptFields(facts))) {
    const parent = field.includes(".") ? at(receipt2, field.slice(0, field.lastIndexOf("."))) : receipt2;
    const value = parent === null ? null : at(receipt2, field);
    if (value !== expected) mismatches.push({ field, receipt: value, leaves: expected });
  }
  return mismatches;
}
var day = (iso) => iso.replace("T", " ").replace(/:\d\d\.\d{3}Z$/, " UTC");
function describeFacts(facts, checkpointSize) {
  const ec = facts.existingCustomer;
  const lines = [
    facts.imported ? `imported from the site owner's list on ${day(facts.collection.at)}: consent declared by the site owner (given ${facts.imported.consentedAt}, ${facts.imported.source !== null ? `source "${facts.imported.source}"` : `source SHA-256 ${facts.imported.sourceSha256?.slice(0, 16)}…`}), not a double opt-in (${facts.locale}, policy version ${facts.notice.policyVersion})` : ec ? `recorded as an existing customer (article L34-5 CPCE) on ${day(facts.collection.at)}: sale of ${ec.saleDate}, purpose ${ec.purpose} only (${facts.locale}, policy version ${facts.notice.policyVersion})` : `asked by ${facts.collection.method} on ${day(facts.collection.at)} (${facts.locale}, policy version ${facts.notice.policyVersion})`
  ];
  for (const sms of facts.messages) {
    const delivered = sms.delivery.length ? `; ${sms.delivery.map((d) => `${d.status} ${day(d.at)}`).join(", ")}` : "";
    lines.push(
      `${sms.kind ?? "sms"} SMS sent ${day(sms.at)} via ${sms.provider ?? "?"} (${sms.providerMessageId ?? "?"}), body SHA-256 ${sms.bodySha256?.slice(0, 16) ?? "?"}…${delivered}`
    );
  }
  const c = facts.confirmation;
  if (c)
    lines.push(
      c.method === "link" ? `confirmed by SMS link on ${day(c.at)}${c.sameDeviceAsRequest ? " (same device as the request)" : ""}` : `confirmed by reply on ${day(c.at)} via ${c.channel ?? "?"}`
    );
  for (const r of facts.renewals) lines.push(`renewed for policy version ${r.policyVersion} on ${day(r.at)}`);
  const w = facts.withdrawal;
  if (w) lines.push(`withdrawn by ${w.method}${w.keyword ? ` (${w.keyword})` : ""} on ${day(w.at)}`);
  if (facts.expiredAt) lines.push(`expired unconfirmed on ${day(facts.expiredAt)}`);
  if (facts.erasure) lines.push(`erased (${facts.erasure.reason ?? "?"}) on ${day(facts.erasure.at)}`);
  const asOf = checkpointSize === void 0 ? `as of ${day(facts.lastAt)}` : `as of checkpoint ${checkpointSize} (last event ${day(facts.lastAt)})`;
  const standing = facts.status === "confirmed" ? "confirmed, not withdrawn" : facts.status === "imported" ? "imported (declared by the site owner, not confirmed by the subscriber)" : facts.status;
  lines.push(`status: ${standing} ${asOf}`);
  return lines;
}

// worker/verify/jws.ts
var JwsError = class extends Error {
  constructor(code, message3) {
    super(message3);
    this.code = code;
  }
  code;
  name = "JwsError";
};
function decode(part, what) {
  try {
    return fromCanonicalBase64Url(part, `JWS ${what}`);
  } catch (error) {
    throw new JwsError("malformed", error.message);
  }
}
function decodeJson(bytes, what) {
  let value;
  try {
    value = parseJsonStrict(fromUtf8(bytes));
  } catch (error) {
    throw new JwsError("malformed", `JWS ${what} is not JSON with unique keys: ${error.message}`);
  }
  if (value && typeof value === "object" && !Array.isArray(value)) return value;
  throw new JwsError("malformed", `JWS ${what} is not a JSON object`);
}
async function verifyJws(jws, jwks) {
  const parts = typeof jws === "string" ? jws.split(".") : [];
  if (parts.length !== 3) throw new JwsError("malformed", "not a compact JWS");
  const [head, body, sig] = parts;
  const header = decodeJson(decode(head, "header"), "header");
  if (header.alg !== "EdDSA")
    throw new JwsError("alg_not_allowed", `algorithm ${JSON.stringify(header.alg)} is not allowed`);
  const kid = header.kid;
  const jwk = typeof kid === "string" ? jwks.keys.find((k) => k.kid === kid) : void 0;
  if (!jwk || typeof kid !== "string") throw new JwsError("unknown_kid", `no key ${String(kid)} in the JWKS`);
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519")
    throw new JwsError("bad_key", `key ${kid} is not an Ed25519 public key`);
  const checked = await checkReceiptJwk(jwk);
  if (!checked.ok) throw new JwsError(checked.kidMismatch ? "bad_kid" : "bad_key", checked.problem);
  const raw = fromCanonicalBase64Url(String(jwk.x));
  const payload = decode(body, "payload");
  const signature = decode(sig, "signature");
  decodeJson(payload, "payload");
  const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  const ok = signature.length === 64 && await crypto.subtle.verify(
    { name: "Ed25519" },
    key,
    signature,
    utf8(`${head}.${body}`)
  );
  if (!ok)
    throw new JwsError("bad_signature", "signature check failed: the signature does not match the key and payload");
  return { payload, kid, thumbprint: checked.thumbprint };
}

// worker/verify/receipt-shape.ts
var KNOWN_SCHEMAS = ["https://assent.dev/schemas/consent-receipt/v1"];
var ERASED_PHONE = "•••";
var LEGAL_BASES = [
  "consent",
  "contract",
  "legal_obligation",
  "vital_interests",
  "public_task",
  "legitimate_interests"
];
var STATUSES = ["pending", "confirmed", "withdrawn", "expired", "erased", "imported"];
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var str2 = (v, p) => typeof v === "string" ? null : `${p} is not a string`;
var int = (v, p) => Number.isSafeInteger(v) ? null : `${p} is not an integer`;
var bool = (v, p) => typeof v === "boolean" ? null : `${p} is not true or false`;
var nullable = (rule) => (v, p) => v === null ? null : rule(v, p);
var oneOf = (values) => (v, p) => typeof v === "string" && values.includes(v) ? null : `${p} is not one of ${values.join(", ")}`;
var localized = (v, p) => typeof v === "string" || isObject(v) && Object.values(v).every((t) => typeof t === "string") ? null : `${p} is not a text or an object of texts by locale`;
function object(required, optional = {}) {
  return (v, p) => {
    if (!isObject(v)) return `${p} is not an object`;
    for (const key of Object.keys(v))
      if (!(key in required) && !(key in optional))
        return `${p} has a member ${JSON.stringify(key)} the format does not define`;
    for (const [key, rule] of Object.entries(required)) {
      if (!(key in v)) return `${p}.${key} is missing`;
      const problem = rule(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    for (const [key, rule] of Object.entries(optional)) {
      if (!(key in v)) continue;
      const problem = rule(v[key], `${p}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
}
var array = (rule) => (v, p) => {
  if (!Array.isArray(v)) return `${p} is not an array`;
  for (let i = 0; i < v.length; i++) {
    const problem = rule(v[i], `${p}[${i}]`);
    if (problem) return problem;
  }
  return null;
};
var link = object({
  method: oneOf(["link"]),
  at: str2,
  ipPrefix: nullable(str2),
  browser: nullable(str2),
  sameDeviceAsRequest: bool
});
var reply = object({ method: oneOf(["reply"]), at: str2, channel: nullable(str2) });
var confirmation = (v, p) => {
  if (v === null) return null;
  if (!isObject(v)) return `${p} is not an object or null`;
  if (v.method === "link") return link(v, p);
  if (v.method === "reply") return reply(v, p);
  return `${p}.method is not link or reply (a receipt with no confirmation says "confirmation": null)`;
};
var receipt = object(
  {
    schemaVersion: oneOf(KNOWN_SCHEMAS),
    receiptId: str2,
    consentId: str2,
    site: str2,
    language: str2,
    controller: nullable(object({ name: str2, address: str2, email: str2 })),
    subject: object({ phone: nullable(str2), country: nullable(str2), erased: bool }),
    purposes: array(object({ id: str2, description: localized, legalBasis: oneOf(LEGAL_BASES) })),
    notice: object({ policyVersion: int, policySha256: str2, policyUrl: str2, widgetTextSha256: str2, locale: str2 }),
    collection: object({
      method: str2,
      at: str2,
      pageUrl: nullable(str2),
      ipPrefix: nullable(str2),
      browser: nullable(str2)
    }),
    confirmation,
    withdrawal: nullable(object({ method: str2, at: str2, keyword: nullable(str2) })),
    status: oneOf(STATUSES),
    retention: nullable(
      (v, p) => isObject(v) ? Object.entries(v).map(([k, t]) => localized(t, `${p}.${k}`)).find(Boolean) ?? null : `${p} is not an object or null`
    ),
    log: object({ origin: str2 })
  },
  {
    basis: oneOf(["existing_customer", "imported"]),
    // `sourceSha256` where the leaf logs the source's hash (the text then null once erased); absent where an earlier
    // leaf holds the text itself.
    imported: object(
      {
        declaredBy: oneOf(["site-owner"]),
        consentedAt: str2,
        source: nullable(str2),
        wordingSha256: str2,
        wording: nullable(str2)
      },
      { sourceSha256: str2 }
    ),
    existingCustomer: object({
      purpose: str2,
      saleDate: str2,
      saleReference: str2,
      noticeSha256: str2,
      noticeText: nullable(str2)
    }),
    renewals: array(object({ at: str2, policyVersion: int, policySha256: str2 }))
  }
);
function isMaskedPhone(phone) {
  if (phone === ERASED_PHONE) return true;
  const match = /^\+[0-9]{1,3} ([0-9•\- ]{1,40})$/.exec(phone);
  if (!match) return false;
  const national = match[1];
  const shown = national.replace(/[^0-9]/g, "").length;
  return national.includes("•") && shown <= 3;
}
function receiptShapeProblem(value) {
  const problem = receipt(value, "receipt");
  if (problem) return problem;
  const r = value;
  if (r.receiptId !== r.consentId) return `receipt.receiptId ${JSON.stringify(r.receiptId)} is not its consentId`;
  const subject = r.subject;
  if (subject.erased && subject.phone !== ERASED_PHONE)
    return `receipt.subject.phone of an erased subject is ${JSON.stringify(subject.phone)}, not "${ERASED_PHONE}"`;
  if (!subject.erased && subject.phone !== null && !isMaskedPhone(subject.phone))
    return `receipt.subject.phone ${JSON.stringify(subject.phone)} is not a masked number`;
  return null;
}

// worker/verify/proof-format.ts
var BASE64_HASH = /^[A-Za-z0-9+/]{43}=$/;
var isObject2 = (value) => typeof value === "object" && value !== null && !Array.isArray(value);
function parseProof(value) {
  if (!isObject2(value)) return "proof: expected an object";
  const { receipt: receipt2, jws, log } = value;
  if (!isObject2(receipt2)) return "receipt: expected an object";
  for (const field of ["consentId", "site"]) {
    if (typeof receipt2[field] !== "string" || receipt2[field] === "")
      return `receipt.${field}: expected a non-empty string`;
  }
  if (typeof jws !== "string" || jws === "") return "jws: expected a non-empty string";
  if (!isObject2(log)) return "log: expected an object";
  const checkpoint = log.checkpoint ?? null;
  if (checkpoint !== null && (typeof checkpoint !== "string" || checkpoint === "")) {
    return "log.checkpoint: expected a signed checkpoint";
  }
  if (!Array.isArray(log.entries)) return "log.entries: expected an array";
  if (log.pending !== void 0 && !Array.isArray(log.pending)) return "log.pending: expected an array";
  const listed = [
    ...log.entries.map((entry, i) => ({ entry, at: `log.entries.${i}` })),
    ...(log.pending ?? []).map((entry, i) => ({
      entry: isObject2(entry) ? { ...entry, inclusion: null } : entry,
      at: `log.pending.${i}`
    }))
  ];
  if (listed.length === 0) return "log.entries: expected at least one entry";
  const entries = readEntries(listed);
  if (typeof entries === "string") return entries;
  let keys = null;
  if (log.keys !== void 0) {
    if (!Array.isArray(log.keys)) return "log.keys: expected an array";
    const read = readEntries(log.keys.map((entry, i) => ({ entry, at: `log.keys.${i}` })));
    if (typeof read === "string") return read;
    keys = read;
  }
  return {
    receipt: receipt2,
    jws,
    log: { checkpoint, entries, keys }
  };
}
function readEntries(listed) {
  const entries = [];
  for (const { entry, at: at2 } of listed) {
    if (!isObject2(entry)) return `${at2}: expected an object`;
    if (!Number.isSafeInteger(entry.index) || entry.index < 0)
      return `${at2}.index: expected a non-negative integer`;
    if (!isObject2(entry.leaf)) return `${at2}.leaf: expected an object`;
    const inclusion = entry.inclusion ?? null;
    if (inclusion !== null && !Array.isArray(inclusion)) {
      return `${at2}.inclusion: expected an array of base64 hashes`;
    } else if (inclusion !== null) {
      const bad = inclusion.findIndex((h) => typeof h !== "string" || !BASE64_HASH.test(h));
      if (bad >= 0) return `${at2}.inclusion.${bad}: expected a base64 SHA-256 hash`;
    }
    entries.push({ index: entry.index, leaf: entry.leaf, inclusion });
  }
  return entries;
}

// worker/verify/verify-proof.ts
var pass = (name, detail) => ({ name, ok: true, detail });
var fail = (name, detail) => ({ name, ok: false, detail });
var wait = (name, detail) => ({ name, ok: false, pending: true, detail });
var unchecked = (name, detail) => ({ name, ok: true, unchecked: true, detail });
var message2 = (error) => error instanceof Error ? error.message : String(error);
function allPassed(checks) {
  return checks.length > 0 && checks.every((c) => c.ok);
}
function verdict(checks) {
  if (allPassed(checks)) return "VALID";
  return checks.length > 0 && checks.every((c) => c.ok || c.pending) ? "PENDING" : "INVALID";
}
async function verifyProof(options) {
  const parsed = parseProof(options.proof);
  if (typeof parsed === "string") return [fail("proof-format", parsed)];
  const proof = parsed;
  const checks = [pass("proof-format", `${proof.log.entries.length} log entries`)];
  const badKey = await jwksProblem(options.jwks);
  if (badKey) checks.push(fail("jwks", badKey));
  const status = logStatusProblem(options.proof);
  if (status) checks.push(fail("log-status", status));
  const receipt2 = await checkReceipt(proof, options.jwks);
  checks.push(...receipt2.checks);
  const shape = receiptShapeProblem(proof.receipt);
  checks.push(
    shape ? fail("receipt-shape", shape) : pass("receipt-shape", "exactly the members of the receipt format, the number masked, receiptId = consentId")
  );
  let checkpoint;
  if (proof.log.checkpoint === null) {
    checks.push(wait("checkpoint-signature", "the log has signed no checkpoint covering this consent yet"));
  } else {
    try {
      const encoding = checkpointEncodingProblem(proof.log.checkpoint);
      if (encoding) throw new Error(encoding);
      checkpoint = await verifyCheckpoint(proof.log.checkpoint, options.verifierKey);
      checks.push(pass("checkpoint-signature", `${checkpoint.origin} size ${checkpoint.size}, signed by the log key`));
    } catch (error) {
      checks.push(fail("checkpoint-signature", message2(error)));
      try {
        checkpoint = parseCheckpoint(proof.log.checkpoint);
      } catch {
        checkpoint = void 0;
      }
    }
  }
  const origin = originProblem(proof, options, checkpoint);
  if (origin.problem) checks.push(fail("checkpoint-origin", origin.problem));
  else if (checkpoint) checks.push(pass("checkpoint-origin", `${checkpoint.origin}: ${origin.agree}`));
  for (const entry of proof.log.entries) {
    const label = `${entry.index}`;
    const event = typeof entry.leaf.type === "string" ? `${entry.leaf.type} ` : "";
    if (entry.leaf.consentId === proof.receipt.consentId) {
      checks.push(pass(`leaf-consent[${label}]`, `${event}event of consent ${proof.receipt.consentId}`));
    } else {
      checks.push(
        fail(
          `leaf-consent[${label}]`,
          `leaf names consent ${String(entry.leaf.consentId)}, not ${proof.receipt.consentId}`
        )
      );
    }
    if (entry.inclusion === null) {
      checks.push(
        wait(
          `inclusion[${label}]`,
          `${event}leaf ${entry.index} is logged but no signed checkpoint covers it yet; fetch the proof again later`
        )
      );
      continue;
    }
    if (!checkpoint) {
      checks.push(fail(`inclusion[${label}]`, "no readable checkpoint to check against"));
      continue;
    }
    if (!entry.inclusion.every(isCanonicalBase64)) {
      checks.push(fail(`inclusion[${label}]`, `a hash of the path for leaf ${entry.index} is not canonical base64`));
      continue;
    }
    let ok = false;
    try {
      const hash = await leafHash(jcsBytes(entry.leaf));
      ok = await verifyInclusion(
        hash,
        entry.index,
        checkpoint.size,
        entry.inclusion.map(fromBase64),
        checkpoint.rootHash
      );
    } catch {
      ok = false;
    }
    checks.push(
      ok ? pass(`inclusion[${label}]`, `${event}leaf ${entry.index} is in the tree of size ${checkpoint.size}`) : fail(`inclusion[${label}]`, `path for leaf ${entry.index} does not lead to the checkpoint root`)
    );
  }
  checks.push(...await checkLeafFacts(proof, checkpoint));
  checks.push(await checkKeyLogged(proof, options, receipt2.kid, checkpoint));
  if (options.savedCheckpoint !== void 0) {
    checks.push(...await checkConsistency(options, checkpoint));
  }
  return checks;
}
async function checkKeyLogged(proof, options, kid, checkpoint) {
  const name = "receipt-key-logged";
  if (kid === null) return fail(name, "no verified receipt key to look for in the log");
  const x = options.jwks.keys.find((k) => k.kid === kid)?.x;
  const entry = (proof.log.keys ?? []).find((e) => e.leaf.type === "key-announced" && e.leaf.kid === kid);
  if (!entry) {
    const covered = proof.log.checkpoint !== null && proof.log.entries.every((e) => e.inclusion !== null);
    return covered ? fail(name, `the log never announced key ${kid}, though the checkpoint covers every event of this consent`) : wait(name, `the log holds no announcement of key ${kid} in this proof yet; fetch the proof again later`);
  }
  const jwk = entry.leaf.jwk;
  if (entry.leaf.site !== proof.receipt.site)
    return fail(name, `the announcement is for site ${String(entry.leaf.site)}, not ${proof.receipt.site}`);
  if (!jwk || jwk.x !== x) return fail(name, `the log announces another public key under kid ${kid}`);
  let logKey;
  try {
    logKey = toBase64Url((await parseVerifierKey(options.verifierKey)).publicKey);
  } catch {
    return fail(name, "the log key checked is not a verifier key");
  }
  if (logKey !== jwk.x) return fail(name, `the log key checked is not the key announced with ${kid}`);
  if (entry.inclusion === null || proof.log.checkpoint === null)
    return wait(name, `key ${kid} is announced at leaf ${entry.index}, not yet covered by a checkpoint`);
  if (!checkpoint) return fail(name, "no readable checkpoint to check the announcement against");
  let ok = false;
  try {
    ok = await verifyInclusion(
      await leafHash(jcsBytes(entry.leaf)),
      entry.index,
      checkpoint.size,
      entry.inclusion.map(fromBase64),
      checkpoint.rootHash
    );
  } catch {
    ok = false;
  }
  return ok ? pass(name, `key ${kid} announced at leaf ${entry.index} of the log`) : fail(name, `the announcement's path (leaf ${entry.index}) does not lead to the checkpoint root`);
}
async function checkLeafFacts(proof, checkpoint) {
  const ordered = [...proof.log.entries].sort((a, b) => a.index - b.index);
  if (ordered.some((e, i) => i > 0 && e.index === ordered[i - 1].index))
    return [fail("leaf-chain", "two entries share one index")];
  const broken = await chainBreak(ordered);
  const checks = [
    broken ? fail("leaf-chain", broken) : pass("leaf-chain", `${ordered.length} leaves, each naming the one before`)
  ];
  const facts = deriveFacts(ordered.map((e) => e.leaf));
  if (typeof facts === "string")
    return [...checks, fail("receipt-facts", `the leaves do not read as one consent: ${facts}`)];
  const wrong = receiptMismatches(proof.receipt, facts);
  const show = (v) => JSON.stringify(v) ?? "nothing";
  checks.push(
    wrong.length === 0 ? pass("receipt-facts", describeFacts(facts, checkpoint?.size).join("; ")) : fail(
      "receipt-facts",
      wrong.map((m) => `receipt.${m.field} says ${show(m.receipt)}, the leaves say ${show(m.leaves)}`).join("; ")
    )
  );
  return checks;
}
async function checkReceipt(proof, jwks) {
  try {
    const verified = await verifyJws(proof.jws, jwks);
    const expected = jcsBytes(proof.receipt);
    const checks = [
      pass(
        "receipt-signature",
        `EdDSA signature by key ${verified.kid} (RFC 7638 thumbprint recomputed: ${verified.thumbprint})`
      ),
      bytesEqual(verified.payload, expected) ? pass("receipt-payload", "signed payload is exactly the canonical receipt") : fail("receipt-payload", "the receipt shown differs from the signed one")
    ];
    return { checks, kid: verified.kid };
  } catch (error) {
    return { checks: [fail("receipt-signature", message2(error))], kid: null };
  }
}
async function checkConsistency(options, current) {
  let saved;
  let lastError;
  for (const key of [options.verifierKey, ...options.previousVerifierKeys ?? []]) {
    try {
      saved = await verifyCheckpoint(options.savedCheckpoint, await parseVerifierKey(key));
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!saved) return [fail("saved-checkpoint", `saved checkpoint does not verify: ${message2(lastError)}`)];
  const checks = [pass("saved-checkpoint", `${saved.origin} size ${saved.size}`)];
  if (!current) return [...checks, fail("consistency", "no readable current checkpoint")];
  if (saved.origin !== current.origin) {
    return [...checks, fail("consistency", `saved checkpoint is for ${saved.origin}, not ${current.origin}`)];
  }
  const [small, large] = saved.size <= current.size ? [saved, current] : [current, saved];
  const which = small === saved ? "the saved log" : "the proof's log";
  const hashes = options.consistency ?? (small.size === large.size || small.size === 0 ? [] : void 0);
  if (!hashes)
    return [
      ...checks,
      unchecked(
        "consistency",
        `cannot be checked offline: the saved checkpoint (size ${saved.size}) and the proof's (size ${current.size}) need a consistency proof from the log; run it online (a proof URL, or an evidence file with its proofUrl) or with --base URL`
      )
    ];
  let ok = false;
  try {
    ok = await verifyConsistency(small.size, large.size, hashes.map(fromBase64), small.rootHash, large.rootHash);
  } catch {
    ok = false;
  }
  const detail = ok ? `log of ${small.size} leaves (root ${toBase64(small.rootHash).slice(0, 12)}…) is a prefix of the log of ${large.size}` : `the log of ${large.size} leaves does not extend ${which} of ${small.size}: history was rewritten`;
  return [...checks, ok ? pass("consistency", detail) : fail("consistency", detail)];
}
function originProblem(proof, options, checkpoint) {
  const named = [
    ["the log key is named", splitVerifierKey(options.verifierKey.trim())?.[0]],
    ["the receipt's log.origin is", proof.receipt.log?.origin]
  ];
  if (options.origin !== void 0) named.push(["the log announces", options.origin]);
  if (checkpoint) named.push(["the checkpoint is for", checkpoint.origin]);
  const [first, ...rest] = named;
  const other = rest.find(([, value]) => value !== first[1]);
  if (other)
    return {
      problem: `${first[0]} ${JSON.stringify(first[1])}, but ${other[0]} ${JSON.stringify(other[1])}`,
      agree: ""
    };
  return {
    agree: `the log key's name, the receipt's log.origin${options.origin !== void 0 ? ", the announced origin" : ""} and the checkpoint agree`
  };
}
function logStatusProblem(document) {
  const log = document.log ?? {};
  const waiting = (Array.isArray(log.pending) ? log.pending.length : 0) + (Array.isArray(log.entries) ? log.entries.filter((e) => e?.inclusion == null).length : 0);
  if (log.status !== "included" && log.status !== "pending")
    return `log.status is ${JSON.stringify(log.status)}, not "included" or "pending"`;
  const expected = waiting === 0 && log.checkpoint != null ? "included" : "pending";
  if (log.status !== expected)
    return `log.status says ${log.status}, but ${waiting} event(s) wait for a signed checkpoint: it must say ${expected}`;
  return null;
}

// worker/verify/evidence.ts
var EVIDENCE_FORMAT = "assent-evidence/1";
function isEvidence(value) {
  return typeof value === "object" && value !== null && value.format === EVIDENCE_FORMAT;
}
var EVIDENCE_ONLY = ["keys", "notice", "generatedAt", "proofUrl"];
function documentKind(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { kind: "invalid", problem: "proof: expected a JSON object" };
  if ("format" in value) {
    const format = value.format;
    return format === EVIDENCE_FORMAT ? { kind: "evidence" } : {
      kind: "invalid",
      problem: `format ${JSON.stringify(format)} is not ${EVIDENCE_FORMAT}: this verifier reads no other format`
    };
  }
  const extra = EVIDENCE_ONLY.filter((member) => member in value);
  if (extra.length > 0) {
    return {
      kind: "invalid",
      problem: `no "format", yet it holds ${extra.join(", ")}: an evidence file must say "format": "${EVIDENCE_FORMAT}"`
    };
  }
  return { kind: "proof" };
}
function readDocument(text2, what = "proof") {
  try {
    return { value: parseJsonStrict(text2) };
  } catch (error) {
    if (error instanceof DuplicateKeyError)
      return {
        check: {
          name: "duplicate-keys",
          ok: false,
          detail: `${what}: ${error.message}; JSON readers disagree on which one counts`
        }
      };
    return { check: { name: "proof-format", ok: false, detail: `${what} is not JSON: ${error.message}` } };
  }
}
var record = (value) => value && typeof value === "object" ? value : {};
async function verifyEvidence(document, pins = {}) {
  const kind = documentKind(document);
  if (kind.kind !== "evidence") {
    return [
      {
        name: "proof-format",
        ok: false,
        detail: kind.kind === "invalid" ? kind.problem : `not an evidence file: no "format": "${EVIDENCE_FORMAT}"`
      }
    ];
  }
  const evidence = document;
  const keys = record(evidence.keys);
  const log = record(keys.log);
  const jwks = pins.jwks ?? record(keys.jwks);
  const checks = await verifyProof({
    proof: evidence,
    jwks: Array.isArray(jwks.keys) ? jwks : { keys: [] },
    verifierKey: pins.verifierKey ?? String(log.verifierKey ?? ""),
    ...typeof log.origin === "string" && { origin: log.origin },
    ...Array.isArray(log.previousVerifierKeys) && { previousVerifierKeys: log.previousVerifierKeys.map(String) },
    ...pins.savedCheckpoint !== void 0 && { savedCheckpoint: pins.savedCheckpoint },
    ...pins.consistency !== void 0 && { consistency: pins.consistency }
  });
  if (checks.length === 1 && !checks[0].ok) return checks;
  const notice = record(evidence.notice);
  checks.push(
    ...await checkNotice(record(evidence.receipt), {
      widgetTexts: async () => {
        if (!notice.widgetTexts) throw new Error("the file holds no widget texts");
        return notice.widgetTexts;
      },
      policyMarkdown: async (_site, version, locale) => {
        const policy = record(notice.policy);
        if (typeof policy.markdown !== "string") throw new Error("the file holds no policy Markdown");
        if (policy.version !== version || policy.locale !== locale) {
          throw new Error(
            `the file's policy says version ${JSON.stringify(policy.version)} (${String(policy.locale)}), the receipt cites version ${version} (${locale})`
          );
        }
        return utf8(policy.markdown);
      }
    })
  );
  return checks;
}

// worker/verify/facts.ts
var record2 = (value) => value && typeof value === "object" ? value : {};
var text = (value) => typeof value === "string" ? value : value === null || value === void 0 ? "—" : JSON.stringify(value);
var localized2 = (value, language) => {
  if (typeof value === "string") return value;
  const byLocale = record2(value);
  const chosen = byLocale[language] ?? Object.values(byLocale)[0];
  return typeof chosen === "string" ? chosen : text(value);
};
var importSource = (im) => !("sourceSha256" in im) ? `source "${text(im.source)}"` : typeof im.source === "string" ? `source "${im.source}", SHA-256 ${text(im.sourceSha256)}` : `source erased, SHA-256 ${text(im.sourceSha256)}`;
function verifiedFacts(document) {
  const doc = record2(document);
  const receipt2 = record2(doc.receipt);
  const log = record2(doc.log);
  const language = String(receipt2.language ?? "");
  const facts = [];
  const add = (label, value) => facts.push({ label, value, source: "log" });
  const stated = (label, value) => facts.push({ label, value, source: "receipt" });
  add("consent", `${text(receipt2.consentId)} (site ${text(receipt2.site)})`);
  const subject = record2(receipt2.subject);
  stated(
    "subject",
    subject.erased === true ? `${text(subject.phone)} (erased)` : `${text(subject.phone)}${subject.country ? ` (${text(subject.country)})` : ""}`
  );
  const controller = record2(receipt2.controller);
  stated(
    "controller",
    receipt2.controller ? [controller.name, controller.address, controller.email].filter((v) => typeof v === "string" && v).join(", ") : "—"
  );
  const purposes = Array.isArray(receipt2.purposes) ? receipt2.purposes.map(record2) : [];
  for (const p of purposes)
    stated(
      "purpose",
      `${text(p.id)} (${text(p.legalBasis)})${p.description !== void 0 ? `: ${localized2(p.description, language)}` : ""}`
    );
  if (receipt2.basis === "existing_customer") {
    const ec = record2(receipt2.existingCustomer);
    add(
      "basis",
      `existing customer (article L34-5 CPCE): sale of ${text(ec.saleDate)}, purpose ${text(ec.purpose)} only, notice SHA-256 ${text(ec.noticeSha256)}`
    );
  }
  if (receipt2.imported) {
    const im = record2(receipt2.imported);
    add(
      "imported",
      `declared by the site owner, not proven by the subscriber: consent given ${text(im.consentedAt)} (${importSource(im)}), wording SHA-256 ${text(im.wordingSha256)}`
    );
  }
  const notice = record2(receipt2.notice);
  add("policy", `version ${text(notice.policyVersion)} (${text(notice.locale)}), SHA-256 ${text(notice.policySha256)}`);
  add("widget texts", `SHA-256 ${text(notice.widgetTextSha256)} (JCS of the texts shown)`);
  const collection = record2(receipt2.collection);
  add("requested", `${text(collection.at)} by ${text(collection.method)}`);
  if (collection.pageUrl) stated("page", text(collection.pageUrl));
  const from = (what) => [what.ipPrefix, what.browser].filter((v) => typeof v === "string" && v).join(", ");
  if (from(collection)) stated("requested from", from(collection));
  const entries = [
    ...Array.isArray(log.entries) ? log.entries : [],
    ...Array.isArray(log.pending) ? log.pending : []
  ].map(record2).sort((a, b) => Number(a.index) - Number(b.index));
  const leaves = deriveFacts(entries.map((e) => record2(e.leaf)));
  const derived = typeof leaves === "string" ? null : leaves;
  for (const sms of derived?.messages ?? []) {
    const delivery = sms.delivery.map((d) => `${d.status} ${d.at}`).join(", ");
    add(
      "sms sent",
      `${sms.at} ${sms.kind ?? ""} via ${sms.provider ?? "?"} (message ${sms.providerMessageId ?? "?"}), body SHA-256 ${sms.bodySha256 ?? "?"}${delivery ? `; ${delivery}` : ""}`.replace(
        / {2,}/g,
        " "
      )
    );
  }
  const confirmation2 = receipt2.confirmation ? record2(receipt2.confirmation) : null;
  add(
    "confirmed",
    !confirmation2 ? receipt2.basis === "existing_customer" ? "not asked: the existing-customer exception needs no confirmation" : receipt2.basis === "imported" ? "never: an imported consent is only declared by the site owner" : "not confirmed" : confirmation2.method === "link" ? `${text(confirmation2.at)} by SMS link, ${confirmation2.sameDeviceAsRequest === true ? "on the device that asked" : "on another device than the one that asked"}` : `${text(confirmation2.at)} by reply${confirmation2.channel ? ` via ${text(confirmation2.channel)}` : ""}`
  );
  if (confirmation2 && from(confirmation2)) stated("confirmed from", from(confirmation2));
  for (const r of derived?.renewals ?? []) add("renewed", `${r.at} for policy version ${r.policyVersion}`);
  const withdrawal = receipt2.withdrawal ? record2(receipt2.withdrawal) : null;
  add(
    "withdrawn",
    withdrawal ? `${text(withdrawal.at)} by ${text(withdrawal.method)}${withdrawal.keyword ? ` (${text(withdrawal.keyword)})` : ""}` : "not withdrawn"
  );
  if (derived?.expiredAt) add("expired", `${derived.expiredAt} (never confirmed)`);
  if (derived?.erasure)
    add("erased", `${derived.erasure.at}${derived.erasure.reason ? ` (${derived.erasure.reason})` : ""}`);
  let asOf = "as of no signed checkpoint yet";
  try {
    if (typeof log.checkpoint === "string") {
      const cp = parseCheckpoint(log.checkpoint);
      asOf = `as of checkpoint ${cp.size} (${cp.origin}, size ${cp.size})`;
    }
  } catch {
  }
  const status = String(receipt2.status);
  const waiting = Array.isArray(log.pending) && log.pending.length > 0 ? `; ${log.pending.length} later event(s) not yet in a checkpoint` : "";
  const last = entries.at(-1);
  const lastLeaf = last ? `; the consent's last leaf in this file is ${String(last.index)}` : "";
  add("status", `${status === "confirmed" ? "confirmed, not withdrawn" : status} ${asOf}${lastLeaf}${waiting}`);
  const retention = record2(receipt2.retention);
  for (const [kind, period] of Object.entries(retention)) stated(`kept (${kind})`, localized2(period, language));
  if (typeof notice.policyUrl === "string") stated("policy URL", notice.policyUrl);
  return facts;
}
function formatFactSections(facts, heading, policy) {
  const width = Math.max(...facts.map((f) => f.label.length));
  const line = (f) => `  ${f.label.padEnd(width)}  ${f.value}`;
  const own = facts.filter((f) => f.source === "receipt");
  return [
    heading,
    ...facts.filter((f) => f.source === "log").map(line),
    ...own.length ? [
      `Stated by the receipt only, resting on the service's signature alone (not in the log; controller, purposes and retention must be those of ${policy}: read it to check them):`,
      ...own.map(line)
    ] : []
  ];
}

// worker/crypto/cosignature.ts
var ALG_COSIGNATURE_V1 = 4;
var PKCS8_ED25519_PREFIX2 = new Uint8Array([
  48,
  46,
  2,
  1,
  0,
  48,
  5,
  6,
  3,
  43,
  101,
  112,
  4,
  34,
  4,
  32
]);
var MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;
function assertName2(name) {
  if (name.length === 0 || /[\s+]/u.test(name) || new RegExp("\\p{Cc}", "u").test(name))
    throw new NoteError(`invalid key name ${JSON.stringify(name)}`);
}
async function cosignatureKeyId(name, publicKey) {
  return (await sha256(concatBytes(utf8(`${name}
`), new Uint8Array([ALG_COSIGNATURE_V1]), publicKey))).slice(0, 4);
}
function cosignatureMessage(body, timestamp) {
  return utf8(`cosignature/v1
time ${timestamp}
${body}`);
}
function splitPlus2(text2, count) {
  const parts = text2.split("+");
  return parts.length < count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join("+")];
}
async function parseCosignatureVerifierKey(vkey) {
  const parts = splitPlus2(vkey.trim(), 3);
  if (parts.length !== 3) throw new NoteError("malformed verifier key");
  const [name, idHex, keyB64] = parts;
  assertName2(name);
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new NoteError("malformed verifier key id");
  let raw;
  try {
    raw = fromBase64(keyB64);
  } catch {
    throw new NoteError("malformed verifier key encoding");
  }
  if (raw.length !== 33 || raw[0] !== ALG_COSIGNATURE_V1)
    throw new NoteError("not a cosignature/v1 (0x04) Ed25519 verifier key");
  const publicKey = raw.slice(1);
  const keyId = await cosignatureKeyId(name, publicKey);
  if (toHex(keyId) !== idHex) throw new NoteError("verifier key id does not match the key");
  const key = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
  return {
    name,
    publicKey,
    keyId,
    vkey: `${name}+${idHex}+${keyB64}`,
    verify: (message3, signature) => crypto.subtle.verify({ name: "Ed25519" }, key, signature, message3)
  };
}
async function checkCosignature(note, verifier, options = {}) {
  const { text: text2, signatures } = parseNote(note);
  let found = null;
  for (const sig of signatures) {
    if (sig.name !== verifier.name || !bytesEqual(sig.keyHash, verifier.keyId)) continue;
    if (sig.signature.length !== 8 + 64)
      return { status: "invalid", reason: `cosignature by ${verifier.name} is not 76 bytes` };
    const timestamp = new DataView(sig.signature.buffer, sig.signature.byteOffset, 8).getBigUint64(0);
    if (timestamp === 0n || timestamp > BigInt(MAX_TIMESTAMP))
      return { status: "invalid", reason: `cosignature by ${verifier.name} has timestamp ${timestamp}` };
    const seconds = Number(timestamp);
    if (options.now !== void 0 && seconds > options.now / 1e3 + 600)
      return { status: "invalid", reason: `cosignature by ${verifier.name} is dated in the future` };
    if (!await verifier.verify(cosignatureMessage(text2, seconds), sig.signature.slice(8))) {
      return { status: "invalid", reason: `cosignature by ${verifier.name} does not verify` };
    }
    found = Math.max(found ?? 0, seconds);
  }
  return found === null ? { status: "absent" } : { status: "valid", timestamp: found };
}

// worker/witness/policy.ts
var PolicyError = class extends Error {
  constructor(line, message3) {
    super(line > 0 ? `line ${line}: ${message3}` : message3);
    this.line = line;
  }
  line;
  name = "PolicyError";
};
var MAX_BYTES = 64 * 1024;
var MAX_ENTRIES = 256;
async function parsePolicy(text2, options = {}) {
  const { requireQuorum = true } = options;
  if (text2.length > MAX_BYTES) throw new PolicyError(0, `the policy is larger than ${MAX_BYTES} bytes`);
  const logs = [];
  const witnesses = [];
  const groups = [];
  const names = /* @__PURE__ */ new Set(["none"]);
  let quorum = null;
  const lines = text2.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const line = lines[i];
    if (/[\x00-\x08\x0b-\x1f\x7f]/.test(line)) throw new PolicyError(n, "control characters are not allowed");
    const trimmed = line.replace(/^[ \t]+|[ \t]+$/g, "");
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (logs.length + witnesses.length + groups.length >= MAX_ENTRIES)
      throw new PolicyError(n, `more than ${MAX_ENTRIES} entries`);
    const [keyword, ...args] = trimmed.split(/[ \t]+/);
    switch (keyword) {
      case "log": {
        if (args.length < 1 || args.length > 2) throw new PolicyError(n, "expected: log <vkey> [<url>]");
        const verifier = await parseKey(n, () => parseVerifierKey(args[0]), "log vkey (signature type 0x01)");
        if (logs.some((l) => bytesEqual(l.verifier.publicKey, verifier.publicKey)))
          throw new PolicyError(n, "duplicate log key");
        logs.push({ origin: verifier.name, vkey: args[0], verifier, url: url(n, args[1]) });
        break;
      }
      case "witness": {
        if (args.length < 2 || args.length > 3) throw new PolicyError(n, "expected: witness <name> <vkey> [<url>]");
        const name = fresh(n, names, args[0]);
        const verifier = await parseKey(
          n,
          () => parseCosignatureVerifierKey(args[1]),
          "witness vkey (signature type 0x04)"
        );
        if (witnesses.some((w) => bytesEqual(w.verifier.publicKey, verifier.publicKey)))
          throw new PolicyError(n, "duplicate witness key");
        witnesses.push({ name, vkey: verifier.vkey, verifier, url: url(n, args[2]) });
        break;
      }
      case "group": {
        if (args.length < 3) throw new PolicyError(n, "expected: group <name> <k|all|any> <member>...");
        const name = fresh(n, names, args[0]);
        const members = args.slice(2);
        for (const [j, m] of members.entries()) {
          if (m === "none") throw new PolicyError(n, "`none` cannot be a group member");
          if (!names.has(m)) throw new PolicyError(n, `${m} is not defined on a line before`);
          if (members.indexOf(m) !== j) throw new PolicyError(n, `${m} is listed twice`);
        }
        const k = args[1];
        const threshold = k === "all" ? members.length : k === "any" ? 1 : /^[1-9][0-9]{0,3}$/.test(k) ? Number(k) : NaN;
        if (!(threshold >= 1 && threshold <= members.length))
          throw new PolicyError(n, `threshold must be all, any or 1…${members.length}`);
        groups.push({ name, threshold, members });
        break;
      }
      case "quorum": {
        if (args.length !== 1) throw new PolicyError(n, "expected: quorum <name>");
        if (quorum !== null) throw new PolicyError(n, "a policy has exactly one quorum line");
        if (!names.has(args[0])) throw new PolicyError(n, `${args[0]} is not defined on a line before`);
        quorum = args[0];
        break;
      }
      default:
        throw new PolicyError(n, `unknown keyword ${JSON.stringify(keyword.slice(0, 40))}`);
    }
  }
  if (quorum === null && requireQuorum)
    throw new PolicyError(0, "the policy has no quorum line (write `quorum none` to require no cosignature)");
  return { logs, witnesses, groups, quorum: quorum ?? "none" };
}
async function parseKey(n, parse, what) {
  try {
    return await parse();
  } catch (error) {
    throw new PolicyError(n, `invalid ${what}: ${error instanceof NoteError ? error.message : "unreadable"}`);
  }
}
function fresh(n, names, name) {
  if (names.has(name))
    throw new PolicyError(n, name === "none" ? "`none` is predefined" : `${name} is already defined`);
  names.add(name);
  return name;
}
function url(n, raw) {
  if (raw === void 0) return null;
  try {
    return new URL(raw).href.replace(/\/+$/, "");
  } catch {
    throw new PolicyError(n, `invalid URL ${JSON.stringify(raw.slice(0, 80))}`);
  }
}
async function evaluateQuorum(note, policy, options = {}) {
  const { text: text2, signatures } = parseNote(note);
  let log = null;
  for (const l of policy.logs) {
    const mine = signatures.filter((s) => s.name === l.verifier.name && bytesEqual(s.keyHash, l.verifier.keyHash));
    let ok = mine.length > 0;
    for (const s of mine)
      ok = ok && s.signature.length === 64 && await l.verifier.verify(new TextEncoder().encode(text2), s.signature);
    if (ok && text2.startsWith(`${l.origin}
`)) {
      log = l.origin;
      break;
    }
  }
  const witnesses = [];
  const cosigned = /* @__PURE__ */ new Set();
  for (const w of policy.witnesses) {
    const check2 = await checkCosignature(note, w.verifier, options);
    if (check2.status === "valid") {
      cosigned.add(w.name);
      witnesses.push({ name: w.name, status: "valid", timestamp: check2.timestamp });
    } else
      witnesses.push(
        check2.status === "invalid" ? { name: w.name, status: "invalid", reason: check2.reason } : { name: w.name, status: "absent" }
      );
  }
  const groups = new Map(policy.groups.map((g) => [g.name, g]));
  const witnessed = (name) => {
    if (name === "none") return true;
    const group = groups.get(name);
    if (!group) return cosigned.has(name);
    return group.members.filter(witnessed).length >= group.threshold;
  };
  const leaves = (name) => {
    const group = groups.get(name);
    return group ? group.members.flatMap(leaves) : name === "none" ? [] : [name];
  };
  const quorumMet = witnessed(policy.quorum);
  const met = quorumMet && (policy.logs.length === 0 || log !== null);
  const missing = [...new Set(leaves(policy.quorum))].filter((name) => !cosigned.has(name));
  return { log, witnesses, met, quorumMet, missing };
}

// worker/verify/witnesses.ts
var time = (seconds) => new Date(seconds * 1e3).toISOString().replace(".000Z", "Z");
function cosignatureLines(note) {
  try {
    return parseNote(note).signatures.filter((s) => s.signature.length === 72).map((s) => {
      const t = Number(new DataView(s.signature.buffer, s.signature.byteOffset, 8).getBigUint64(0));
      return `${s.name} (${time(t)})`;
    });
  } catch {
    return [];
  }
}
function describeCosignatures(checkpoint) {
  const present = checkpoint ? cosignatureLines(checkpoint) : [];
  return `${present.length ? `witness cosignatures present (not checked): ${present.join(", ")}` : "no witness cosignature on the checkpoint"}; none required (pass --policy FILE to require a quorum)`;
}
async function checkWitnesses(checkpoint, policy, options = {}) {
  if (checkpoint === null)
    return [
      { name: "witness-quorum", ok: false, pending: true, detail: "no signed checkpoint yet to hold to the quorum" }
    ];
  let result;
  try {
    result = await evaluateQuorum(checkpoint, policy, options);
  } catch (error) {
    return [
      {
        name: "witness-quorum",
        ok: false,
        detail: `checkpoint unreadable: ${error instanceof Error ? error.message : String(error)}`
      }
    ];
  }
  const checks = [];
  if (policy.logs.length > 0) {
    checks.push(
      result.log ? { name: "policy-log", ok: true, detail: `signed by ${result.log}, a log of the policy` } : {
        name: "policy-log",
        ok: false,
        detail: `signed by no log of the policy (${policy.logs.map((l) => l.origin).join(", ")})`
      }
    );
  }
  const valid = result.witnesses.filter((w) => w.status === "valid").map((w) => `${w.name} (${time(w.timestamp)})`);
  const invalid = result.witnesses.filter((w) => w.status === "invalid").map((w) => `${w.name}: ${w.reason}`);
  const cosigned = valid.length ? `cosigned by ${valid.join(", ")}` : "cosigned by no witness of the policy";
  const bad = invalid.length ? `; invalid cosignatures: ${invalid.join("; ")}` : "";
  checks.push(
    result.quorumMet ? { name: "witness-quorum", ok: true, detail: `quorum ${policy.quorum} met: ${cosigned}${bad}` } : {
      name: "witness-quorum",
      ok: false,
      detail: `quorum ${policy.quorum} not met: missing ${result.missing.join(", ") || "none"}; ${cosigned}${bad} (fetch the proof again once its witnesses cosigned a checkpoint covering it)`
    }
  );
  return checks;
}

// worker/verify/online.ts
var pass2 = (name, detail) => ({ name, ok: true, detail });
var fail2 = (name, detail) => ({ name, ok: false, detail });
async function checkNow(options) {
  const { evidence } = options;
  if (typeof evidence.proofUrl !== "string") return null;
  const then = parseProof(evidence);
  if (typeof then === "string" || then.log.checkpoint === null) return null;
  const url2 = new URL(evidence.proofUrl);
  const current = await options.getJson(url2.href);
  const now = parseProof(current);
  if (typeof now === "string") return [fail2("log-now", `the proof served now is not a proof: ${now}`)];
  if (now.receipt.consentId !== then.receipt.consentId)
    return [fail2("log-now", "the proof served now is about another consent")];
  const checks = await verifyProof({ proof: current, jwks: options.jwks, verifierKey: options.verifierKey });
  const result = verdict(checks);
  if (result === "INVALID") {
    const failed2 = checks.filter((c) => !c.ok && !c.pending).map((c) => `${c.name} (${c.detail})`);
    return [fail2("log-now", `the proof served now does not verify with the same keys: ${failed2.join("; ")}`)];
  }
  if (now.log.checkpoint === null) return [fail2("log-now", "the proof served now has no checkpoint")];
  const a = parseCheckpoint(then.log.checkpoint);
  const b = parseCheckpoint(now.log.checkpoint);
  if (a.origin !== b.origin) return [fail2("log-now", `the log now is ${b.origin}, the file's is ${a.origin}`)];
  if (b.size < a.size) return [fail2("log-now", `the log shrank from ${a.size} to ${b.size} leaves`)];
  let hashes = [];
  if (a.size > 0 && b.size > a.size) {
    const site = encodeURIComponent(then.receipt.site);
    const body = await options.getJson(
      `${url2.origin}/v1/sites/${site}/log/consistency?from=${a.size}&to=${b.size}`
    );
    hashes = Array.isArray(body.hashes) ? body.hashes.map(String) : [];
  }
  let consistent = false;
  try {
    consistent = await verifyConsistency(a.size, b.size, hashes.map(fromBase64), a.rootHash, b.rootHash);
  } catch {
    consistent = false;
  }
  if (!consistent)
    return [
      fail2("log-now", `the log of ${b.size} leaves does not extend the file's log of ${a.size}: history was rewritten`)
    ];
  const key = (e) => `${e.index}:${new TextDecoder().decode(jcsBytes(e.leaf))}`;
  const before = [...then.log.entries].sort((x, y) => x.index - y.index).map(key);
  const after = [...now.log.entries].sort((x, y) => x.index - y.index);
  if (before.some((k, i) => after[i] === void 0 || key(after[i]) !== k)) {
    return [fail2("log-now", "the consent's leaves now do not begin with the file's leaves")];
  }
  const left = after.slice(before.length).find((e) => e.index < a.size);
  if (left) {
    return [
      fail2(
        "log-now",
        `the file leaves out leaf ${left.index} (${String(left.leaf.type)}) of this consent, logged before its own checkpoint of size ${a.size}`
      )
    ];
  }
  const facts = deriveFacts(after.map((e) => e.leaf));
  if (typeof facts === "string") return [fail2("log-now", facts)];
  const added = after.length - before.length;
  const out = [
    pass2(
      "log-now",
      `the log grew from ${a.size} to ${b.size} leaves without rewriting; ${added} later event${added === 1 ? "" : "s"} of this consent`
    )
  ];
  const since = facts.withdrawal ? `withdrawn since ${facts.withdrawal.at}` : facts.erasure ? `erased since ${facts.erasure.at}` : facts.expiredAt ? `expired since ${facts.expiredAt}` : describeFacts(facts, b.size).at(-1).replace(/^status: /, "");
  out.push(
    pass2("status-now", `${since} (checkpoint ${b.size}${result === "PENDING" ? ", later events still pending" : ""})`)
  );
  return out;
}

// worker/verify/cli.ts
function usage(program = "assent verify") {
  return `Usage: ${program} <proof-url | evidence.json | proof.json> [options]

Options:
  --offline                  never use the network (an evidence file needs none)
  --jwks <file>              JWKS to check the receipt signature (default: the evidence file's copy, or
                             {origin}/.well-known/jwks.json)
  --log-key <key | file>     log verifier key (default: the evidence file's copy, or {origin}/v1/sites/{site}/log)
  --checkpoint <file>        a checkpoint you saved earlier: proves the log only grew since
  --save-checkpoint <file>   save this proof's checkpoint once everything verifies
  --base <url>               server to fetch keys and consistency proofs from, for a proof file
  --policy <file>            a C2SP tlog-policy file: the checkpoint must carry the quorum of witness
                             cosignatures it names (INVALID otherwise, naming the witnesses missing)

Exit status: 0 VALID (all checks pass), 1 INVALID (a check failed), 2 usage error,
3 PENDING (nothing failed, but an event is not yet covered by a signed checkpoint).`;
}
var USAGE = usage();
var UsageError = class extends Error {
};
var FLAGS = {
  "--policy": "policy",
  "--jwks": "jwks",
  "--log-key": "logKey",
  "--checkpoint": "checkpoint",
  "--save-checkpoint": "saveCheckpoint",
  "--base": "base"
};
function parseArgs(argv2) {
  const [command, ...rest] = argv2;
  if (command !== "verify") throw new UsageError(command ? `unknown command ${command}` : "missing command");
  const args = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, void 0];
    const key = FLAGS[flag];
    if (arg === "--offline") {
      args.offline = true;
    } else if (key) {
      const value = inline ?? rest[++i];
      if (value === void 0 || value === "") throw new UsageError(`${flag} needs a value`);
      args[key] = value;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (args.target === void 0) {
      args.target = arg;
    } else {
      throw new UsageError(`unexpected argument ${arg}`);
    }
  }
  if (!args.target) throw new UsageError("missing proof URL or file");
  return args;
}
var VERIFIER_KEY = /^[^+\s]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/;
async function fetchText(io, url2) {
  const response = await io.fetch(url2, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`GET ${url2}: HTTP ${response.status}`);
  return response.text();
}
async function fetchJson(io, url2) {
  const read = readDocument(await fetchText(io, url2), `GET ${url2}`);
  if ("check" in read) throw new Error(read.check.detail);
  return read.value;
}
function record3(value) {
  return value && typeof value === "object" ? value : {};
}
var Exit = class {
  constructor(status) {
    this.status = status;
  }
  status;
};
async function runCli(argv2, cliIo) {
  const help = usage(cliIo.program);
  if (argv2.includes("--help") || argv2.includes("-h") || argv2.length === 0) {
    (argv2.length === 0 ? cliIo.stderr : cliIo.stdout)(help);
    return argv2.length === 0 ? 2 : 0;
  }
  const run = await prepare(argv2, cliIo, help);
  if (run instanceof Exit) return run.status;
  const proof = await readProof(run);
  if (proof instanceof Exit) return proof.status;
  const site = record3(record3(proof.value).receipt).site;
  const keys = await readKeys(run, proof.value, site);
  if (keys instanceof Exit) return keys.status;
  const saved = await readSaved(run, proof.value, site);
  if (saved instanceof Exit) return saved.status;
  const checks = await check(run, proof.value, site, keys, saved);
  return conclude(run, proof.value, checks);
}
async function prepare(argv2, cliIo, help) {
  let args;
  try {
    args = parseArgs(argv2);
  } catch (error) {
    cliIo.stderr(`assent: ${error.message}

${help}`);
    return new Exit(2);
  }
  let policy = null;
  if (args.policy) {
    try {
      policy = await parsePolicy(await cliIo.readFile(args.policy));
    } catch (error) {
      cliIo.stderr(`assent: --policy ${args.policy}: ${error.message}`);
      return new Exit(2);
    }
  }
  const io = args.offline ? {
    ...cliIo,
    fetch: async (input) => Promise.reject(
      new Error(`--offline: refused to fetch ${String(input instanceof Request ? input.url : input)}`)
    )
  } : cliIo;
  const isUrl = /^https?:\/\//i.test(args.target);
  if (args.offline && (isUrl || args.base)) {
    io.stderr(
      `assent: --offline cannot fetch ${args.base ?? args.target}; download the evidence file (…/proofs/ID/evidence) and verify that`
    );
    return new Exit(2);
  }
  let base;
  try {
    base = args.base ? new URL(args.base).origin : isUrl ? new URL(args.target).origin : void 0;
  } catch {
    io.stderr(`assent: invalid URL ${args.base ?? args.target}`);
    return new Exit(2);
  }
  return { args, policy, io, isUrl, base };
}
async function readProof({ args, io, isUrl, base }) {
  let proof;
  try {
    const read = readDocument(isUrl ? await fetchText(io, args.target) : await io.readFile(args.target), args.target);
    if ("check" in read) return new Exit(refused(io, read.check));
    proof = read.value;
  } catch (error) {
    return new Exit(failed(io, "fetch-proof", error));
  }
  const kind = documentKind(proof);
  if (kind.kind === "invalid") return new Exit(refused(io, { name: "proof-format", ok: false, detail: kind.problem }));
  if (!isEvidence(proof) && !base && (!args.jwks || !args.logKey)) {
    io.stderr(
      "assent: a proof file needs --jwks and --log-key, or --base to fetch them (an evidence file needs neither)"
    );
    return new Exit(2);
  }
  return { value: proof };
}
async function readKeys({ args, io, base }, proof, site) {
  const keys = { previousVerifierKeys: [] };
  if (args.jwks || !isEvidence(proof)) {
    try {
      const read = args.jwks ? readDocument(await io.readFile(args.jwks), args.jwks) : { value: await fetchJson(io, `${base}/.well-known/jwks.json`) };
      if ("check" in read) return new Exit(refused(io, read.check));
      const jwks = read.value;
      if (!Array.isArray(jwks?.keys)) throw new Error('JWKS has no "keys" array');
      keys.jwks = jwks;
    } catch (error) {
      return new Exit(failed(io, "fetch-jwks", error));
    }
  }
  try {
    if (args.logKey) {
      keys.verifierKey = VERIFIER_KEY.test(args.logKey) ? args.logKey : (await io.readFile(args.logKey)).trim();
    } else if (!isEvidence(proof)) {
      if (typeof site !== "string") throw new Error("receipt has no site, pass --log-key");
      const info = record3(await fetchJson(io, `${base}/v1/sites/${encodeURIComponent(site)}/log`));
      if (typeof info.verifierKey !== "string") throw new Error("log info has no verifierKey");
      keys.verifierKey = info.verifierKey;
      if (typeof info.origin === "string") keys.origin = info.origin;
      if (Array.isArray(info.previousVerifierKeys)) {
        keys.previousVerifierKeys = info.previousVerifierKeys.filter((k) => typeof k === "string");
      }
      io.stdout(`i log key ${keys.verifierKey} (from the server; pin it with --log-key)`);
    }
  } catch (error) {
    return new Exit(failed(io, "fetch-log-key", error));
  }
  return keys;
}
async function readSaved({ args, io, base }, proof, site) {
  if (!args.checkpoint) return {};
  let savedCheckpoint;
  try {
    savedCheckpoint = await io.readFile(args.checkpoint);
  } catch (error) {
    return new Exit(failed(io, "saved-checkpoint", error));
  }
  const proofUrl = isEvidence(proof) && !args.offline ? proof.proofUrl : void 0;
  let server = base;
  try {
    server ??= typeof proofUrl === "string" ? new URL(proofUrl).origin : void 0;
  } catch {
    server = void 0;
  }
  const consistency = await fetchConsistency(io, server, site, savedCheckpoint, record3(record3(proof).log).checkpoint);
  return { savedCheckpoint, ...consistency !== void 0 && { consistency } };
}
async function check({ args, io, base, policy }, proof, site, keys, saved) {
  const { jwks, verifierKey, origin, previousVerifierKeys } = keys;
  let checks;
  if (isEvidence(proof)) {
    describeEvidenceKeys(io, proof.keys, { jwks: Boolean(args.jwks), logKey: Boolean(args.logKey) });
    checks = await verifyEvidence(proof, {
      ...jwks && { jwks },
      ...verifierKey !== void 0 && { verifierKey },
      ...saved
    });
    if (!args.offline)
      checks.push(...await askLogNow(io, proof, jwks, verifierKey));
  } else {
    checks = await verifyProof({
      proof,
      jwks,
      verifierKey,
      ...origin !== void 0 && { origin },
      ...previousVerifierKeys.length > 0 && { previousVerifierKeys },
      ...saved
    });
    if (base && typeof site === "string") checks.push(...await onlineNotice(io, base, record3(record3(proof).receipt)));
  }
  const shown = record3(record3(proof).log).checkpoint;
  if (policy)
    checks.push(
      ...await checkWitnesses(typeof shown === "string" ? shown : null, policy, { now: (io.now ?? Date.now)() })
    );
  else io.stdout(`i ${describeCosignatures(typeof shown === "string" ? shown : null)}`);
  return checks;
}
async function conclude({ args, io }, proof, checks) {
  report(io, checks);
  const result = verdict(checks);
  if (result !== "INVALID") {
    const heading = result === "VALID" ? "Facts verified (proven by the log):" : "Facts verified so far (proven by the log; PENDING: later events wait for a signed checkpoint):";
    const notice = record3(record3(record3(proof).receipt).notice);
    const policy = `policy version ${String(notice.policyVersion)} (${String(notice.locale)}), whose SHA-256 ${String(notice.policySha256)} the log holds`;
    for (const line of formatFactSections(verifiedFacts(proof), heading, policy)) io.stdout(line);
  }
  if (result !== "INVALID" && !historyConstrained(checks)) io.stdout(HISTORY_CAVEAT);
  if (result === "VALID" && args.saveCheckpoint) {
    const checkpoint = String(record3(record3(proof).log).checkpoint);
    await io.writeFile(args.saveCheckpoint, checkpoint);
    io.stdout(`i checkpoint (size ${parseCheckpoint(checkpoint).size}) saved to ${args.saveCheckpoint}`);
  }
  const failures = checks.filter((c) => !c.ok && !c.pending).length;
  const waiting = checks.filter((c) => c.pending).length;
  const notChecked = checks.filter((c) => c.unchecked).length;
  if (result === "VALID")
    io.stdout(
      notChecked === 0 ? `VALID: all ${checks.length} checks passed` : `VALID: ${checks.length - notChecked} checks passed; ${notChecked} could not be checked offline`
    );
  else if (result === "PENDING")
    io.stdout(
      `PENDING: ${checks.length - waiting} of ${checks.length} checks passed; ${waiting} wait for the log's next signed checkpoint (verify again later)`
    );
  else io.stdout(`INVALID: ${failures} of ${checks.length} checks failed`);
  if (result !== "VALID" && args.saveCheckpoint) io.stdout("i checkpoint not saved");
  return result === "VALID" ? 0 : result === "PENDING" ? 3 : 1;
}
function historyConstrained(checks) {
  return checks.some(
    (c) => c.ok && !c.unchecked && (c.name === "witness-quorum" || c.name === "consistency" || c.name === "log-now")
  );
}
var HISTORY_CAVEAT = "! the log's history rests on the service's key alone: no witness quorum (--policy), no checkpoint saved earlier (--checkpoint) and no online consistency check constrained it, and whoever holds the signing key can sign a rewritten log (back-dated events) that passes every check. Check outside this tool: keys obtained independently of this file, a checkpoint you saved earlier or a witness quorum, and the policy text whose SHA-256 the log holds.";
async function askLogNow(io, evidence, jwks, verifierKey) {
  const keys = record3(evidence.keys);
  try {
    const now = await checkNow({
      evidence,
      jwks: jwks ?? record3(keys.jwks),
      verifierKey: verifierKey ?? String(record3(keys.log).verifierKey ?? ""),
      getJson: (url2) => fetchJson(io, url2)
    });
    if (now) return now;
  } catch (error) {
    io.stdout(
      `i the log could not be asked about later events (${error instanceof Error ? error.message : String(error)}): the status holds as of the file's checkpoint`
    );
  }
  return [];
}
function refused(io, check2) {
  report(io, [check2]);
  io.stdout("INVALID: 1 of 1 checks failed");
  return 1;
}
function failed(io, name, error) {
  report(io, [{ name, ok: false, detail: error instanceof Error ? error.message : String(error) }]);
  io.stdout("INVALID: could not read what to verify");
  return 1;
}
function describeEvidenceKeys(io, keys, pinned) {
  const jwks = record3(record3(keys).jwks).keys;
  const log = record3(record3(keys).log);
  const kids = Array.isArray(jwks) ? jwks.map((k) => `kid ${String(record3(k).kid)}`).join(", ") : "none";
  io.stdout(`i receipt key ${pinned.jwks ? "(pinned with --jwks)" : `${kids} (from the evidence file)`}`);
  io.stdout(
    `i log key ${pinned.logKey ? "(pinned with --log-key)" : `${String(log.verifierKey)} (from the evidence file)`}`
  );
  if (!pinned.jwks || !pinned.logKey) {
    io.stdout(
      "i compare these keys with ones you trust (the site's /.well-known/jwks.json and /v1/sites/SITE/log), or pin them with --jwks and --log-key"
    );
  }
}
async function onlineNotice(io, origin, receipt2) {
  return checkNotice(receipt2, {
    widgetTexts: (s, sha) => fetchJson(io, `${origin}/v1/sites/${encodeURIComponent(s)}/widget/texts/${sha}`),
    policyMarkdown: async (s, version, locale) => {
      const url2 = `${origin}/p/${encodeURIComponent(s)}/${version}?format=md&locale=${encodeURIComponent(locale)}`;
      const response = await io.fetch(url2);
      if (!response.ok) throw new Error(`GET ${url2}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    }
  });
}
async function fetchConsistency(io, base, site, saved, current) {
  try {
    const sizes = [parseCheckpoint(saved).size, parseCheckpoint(String(current)).size];
    const from = Math.min(...sizes);
    const to = Math.max(...sizes);
    if (from === to || from === 0) return [];
    if (!base || typeof site !== "string") return void 0;
    const url2 = `${base}/v1/sites/${encodeURIComponent(site)}/log/consistency?from=${from}&to=${to}`;
    const body = record3(await fetchJson(io, url2));
    return Array.isArray(body.hashes) ? body.hashes.map(String) : void 0;
  } catch {
    return void 0;
  }
}
function report(io, checks) {
  for (const check2 of checks)
    io.stdout(`${check2.unchecked ? "–" : check2.ok ? "✓" : check2.pending ? "…" : "✗"} ${check2.name}: ${check2.detail}`);
}

// worker/verify/standalone.ts
var [major] = process.versions.node.split(".").map(Number);
if ((major ?? 0) < 20 || !globalThis.crypto?.subtle) {
  process.stderr.write(
    `verify.mjs needs Node 20 or later (WebCrypto Ed25519); this is Node ${process.versions.node}
`
  );
  process.exit(2);
}
var argv = process.argv.slice(2);
process.exitCode = await runCli(argv[0] === "verify" ? argv : ["verify", ...argv], {
  fetch: globalThis.fetch,
  readFile: (path) => readFile(path, "utf8"),
  writeFile: (path, text2) => writeFile(path, text2, "utf8"),
  stdout: (line) => process.stdout.write(`${line}
`),
  stderr: (line) => process.stderr.write(`${line}
`),
  program: "node verify.mjs"
});
