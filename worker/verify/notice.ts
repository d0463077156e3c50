// What the subscriber was shown, checked against the receipt: the widget texts (fetched by their hash, hashed
// again here) and the policy version (its exact Markdown bytes, hashed here).
import { sha256, toHex } from '../crypto/encoding.ts';
import { canonicalize } from '../crypto/jcs.ts';
import type { Check } from './verify-proof.ts';

export interface NoticeSources {
  /** The texts object the server recorded for this hash: `{locale, policyVersion, texts}`. */
  widgetTexts(site: string, sha256hex: string): Promise<unknown>;
  /** The exact bytes of a policy version in one locale (`?format=md`). */
  policyMarkdown(site: string, version: number, locale: string): Promise<Uint8Array>;
}

const hex = async (bytes: Uint8Array) => toHex(await sha256(bytes));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function checkNotice(receipt: Record<string, unknown>, sources: NoticeSources): Promise<Check[]> {
  const notice = (receipt.notice ?? {}) as Record<string, unknown>;
  const site = String(receipt.site);
  const locale = String(notice.locale);
  const version = Number(notice.policyVersion);
  const checks: Check[] = [];
  const existing = receipt.existingCustomer as Record<string, unknown> | undefined;
  const imported = receipt.imported as Record<string, unknown> | undefined;
  if (imported && typeof imported === 'object') {
    // An import cites the wording its owner declared, not widget texts: the receipt carries that wording. And where
    // the log holds only the source's hash, the receipt's source text (null once erased) must hash to it.
    const wording = typeof imported.wording === 'string' ? imported.wording : null;
    const digest = wording === null ? null : await hex(new TextEncoder().encode(wording));
    const same = digest !== null && digest === notice.widgetTextSha256 && digest === imported.wordingSha256;
    const source = typeof imported.source === 'string' ? imported.source : null;
    const hashed = 'sourceSha256' in imported;
    const sourceDigest = hashed && source !== null ? await hex(new TextEncoder().encode(source)) : null;
    const sourceSame = sourceDigest === null || sourceDigest === imported.sourceSha256;
    const sourceNote = !hashed
      ? ''
      : source === null
        ? ' (the source was erased: its SHA-256 stays in the log)'
        : ', the source to its sourceSha256';
    checks.push({
      name: 'notice-texts',
      ok: same && sourceSame,
      detail: !same
        ? `the declared wording hashes to ${String(digest)}, not ${String(notice.widgetTextSha256)}`
        : !sourceSame
          ? `the declared source hashes to ${String(sourceDigest)}, not ${String(imported.sourceSha256)}`
          : `the wording the site owner declared hashes to the receipt's widgetTextSha256${sourceNote}`,
    });
  } else if (receipt.basis === 'existing_customer' && existing && typeof existing === 'object') {
    // An existing customer saw the owner's notice at the sale, not widget texts: the receipt carries its text.
    const shown = typeof existing.noticeText === 'string' ? existing.noticeText : null;
    const digest = shown === null ? null : await hex(new TextEncoder().encode(shown));
    const same = digest !== null && digest === notice.widgetTextSha256 && digest === existing.noticeSha256;
    checks.push({
      name: 'notice-texts',
      ok: same,
      detail: same
        ? "the existing-customer notice text hashes to the receipt's widgetTextSha256"
        : `the notice text hashes to ${String(digest)}, not ${String(notice.widgetTextSha256)}`,
    });
  } else
    try {
      const shown = (await sources.widgetTexts(site, String(notice.widgetTextSha256))) as Record<string, unknown>;
      const object = { locale: shown.locale, policyVersion: shown.policyVersion, texts: shown.texts };
      const digest = await hex(new TextEncoder().encode(canonicalize(object)));
      const same = digest === notice.widgetTextSha256 && shown.locale === locale && shown.policyVersion === version;
      checks.push({
        name: 'notice-texts',
        ok: same,
        detail: same
          ? `the widget texts shown (${locale}) hash to the receipt's widgetTextSha256`
          : digest !== notice.widgetTextSha256
            ? `texts hash to ${digest}, not ${String(notice.widgetTextSha256)}`
            : `the texts say locale ${JSON.stringify(shown.locale)} and policy version ${JSON.stringify(shown.policyVersion)}, the receipt ${locale} and ${version}`,
      });
    } catch (error) {
      checks.push({ name: 'notice-texts', ok: false, detail: `texts not available: ${message(error)}` });
    }
  try {
    const digest = await hex(await sources.policyMarkdown(site, version, locale));
    const same = digest === notice.policySha256;
    checks.push({
      name: 'notice-policy',
      ok: same,
      detail: same
        ? `policy version ${version} (${locale}) hashes to the receipt's policySha256`
        : `policy bytes hash to ${digest}, not ${String(notice.policySha256)}`,
    });
  } catch (error) {
    checks.push({ name: 'notice-policy', ok: false, detail: `policy not available: ${message(error)}` });
  }
  return checks;
}
