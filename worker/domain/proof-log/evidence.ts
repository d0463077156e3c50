// The evidence file of a consent: its proof plus the keys, the policy bytes and the widget texts it names, so a
// controller who keeps this one file can prove the consent later without this service (worker/verify checks it).
import { fromBase64Url, fromUtf8 } from '../../crypto/encoding.ts';
import { publicJwks } from '../../crypto/signing.ts';
import { EVIDENCE_FORMAT, type Evidence } from '../../verify/evidence.ts';
import type { DomainContext } from '../context.ts';
import { logOrigin, previousVerifierKeys, verifierKey } from './transparency-log.ts';
import { proofSources } from './proof-document.ts';

function signingKid(jws: string): string | undefined {
  const header = JSON.parse(fromUtf8(fromBase64Url(jws.split('.')[0] ?? ''))) as { kid?: unknown };
  return typeof header.kid === 'string' ? header.kid : undefined;
}

export async function evidenceFile(
  ctx: DomainContext,
  consentId: string,
  options: { preferCosigned?: boolean } = {},
): Promise<Evidence> {
  // The policy version and the widget texts come with the proof's own reads.
  const { doc: proof, policy, texts: shown } = await proofSources(ctx, consentId, options);
  const { site } = proof.receipt;
  const [key, previous] = await Promise.all([verifierKey(ctx, site), previousVerifierKeys(ctx, site)]);
  const texts = shown
    ? {
        locale: shown.locale,
        policyVersion: shown.policyVersion,
        texts: JSON.parse(shown.texts) as Record<string, unknown>,
      }
    : null;
  const kid = signingKid(proof.jws);
  return {
    format: EVIDENCE_FORMAT,
    generatedAt: new Date(ctx.clock()).toISOString(),
    proofUrl: `${ctx.publicUrl}/proofs/${proof.receipt.consentId}`,
    ...proof,
    keys: {
      jwks: { keys: publicJwks(ctx.keys.ring).keys.filter((k) => k.kid === kid) },
      log: { origin: logOrigin(ctx, site), verifierKey: key, previousVerifierKeys: previous },
    },
    notice: {
      policy: policy ? { version: policy.version, locale: policy.locale, markdown: policy.markdown } : null,
      widgetTexts: texts,
    },
  };
}
