// The malicious operator's forgeries: receipts of the test vectors rewritten and re-signed with the service's own key
// (the vectors' public seed), which the leaves cannot contradict field by field. Each must be INVALID; the genuine
// receipts stay VALID.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../../worker/crypto/encoding.ts';
import { signingKeysFrom } from '../../worker/crypto/keys.ts';
import { signReceipt } from '../../worker/crypto/signing.ts';
import { maskPhone } from '../../worker/sms/mask-phone.ts';
import { verifyEvidence } from '../../worker/verify/evidence.ts';
import { isMaskedPhone, receiptShapeProblem } from '../../worker/verify/receipt-shape.ts';
import { verdict } from '../../worker/verify/verify-proof.ts';

const DIR = join(import.meta.dirname, '../../docs/vectors');
const read = (name: string) => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const pins = {
  jwks: read('jwks.json'),
  verifierKey: readFileSync(join(DIR, 'log-key.txt'), 'utf8').trim(),
};
const SEED = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
const ring = async () =>
  (await signingKeysFrom(JSON.stringify({ kty: 'OKP', crv: 'Ed25519', d: toBase64Url(SEED) }))).ring;

type Receipt = Record<string, any>;
async function forge(file: string, change: (r: Receipt) => void) {
  const evidence = read(file);
  change(evidence.receipt);
  evidence.jws = await signReceipt(evidence.receipt, await ring());
  const checks = await verifyEvidence(evidence, pins);
  return { verdict: verdict(checks), failed: checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`) };
}

describe('a receipt re-signed with the service key cannot say what the format does not', () => {
  it('the genuine vectors stay VALID or PENDING as before', async () => {
    for (const [file, expected] of [
      ['genuine-confirmed.json', 'VALID'],
      ['genuine-withdrawn.json', 'VALID'],
      ['genuine-erased.json', 'VALID'],
      ['genuine-pending.json', 'PENDING'],
    ] as const) {
      const checks = await verifyEvidence(read(file), pins);
      expect([file, verdict(checks)]).toEqual([file, expected]);
      expect(receiptShapeProblem(read(file).receipt)).toBeNull();
    }
  });

  const cases: [string, string, (r: Receipt) => void, RegExp][] = [
    [
      'a made-up member',
      'genuine-confirmed.json',
      (r) => {
        r.doubleOptIn = true;
      },
      /"doubleOptIn" the format does not define/,
    ],
    [
      'a paper consent date',
      'genuine-confirmed.json',
      (r) => {
        r.paperConsentAt = '2020-01-01';
      },
      /"paperConsentAt"/,
    ],
    [
      'a confirmation of nulls with a note',
      'genuine-pending.json',
      (r) => {
        r.confirmation = { method: null, at: null, note: 'confirmed orally by phone' };
      },
      /receipt\.confirmation/,
    ],
    [
      'an extra member in the confirmation',
      'genuine-confirmed.json',
      (r) => {
        r.confirmation.note = 'confirmed orally';
      },
      /receipt\.confirmation has a member "note"/,
    ],
    [
      'an extra member in the subject',
      'genuine-confirmed.json',
      (r) => {
        r.subject.name = 'Jean Dupont';
      },
      /receipt\.subject has a member "name"/,
    ],
    [
      'the full number of an erased subject',
      'genuine-erased.json',
      (r) => {
        r.subject.phone = '+33 6 12 34 56 78';
      },
      /erased subject is "\+33 6 12 34 56 78", not "•••"/,
    ],
    [
      'a full number in clear',
      'genuine-confirmed.json',
      (r) => {
        r.subject.phone = '+33 6 12 34 56 78';
      },
      /is not a masked number/,
    ],
    [
      'a receiptId other than the consent',
      'genuine-confirmed.json',
      (r) => {
        r.receiptId = 'AZytxpqAaF3d-IZROjaySh';
      },
      /receiptId .* is not its consentId/,
    ],
    [
      'another schema version',
      'genuine-confirmed.json',
      (r) => {
        r.schemaVersion = 'https://assent.dev/schemas/consent-receipt/v2';
      },
      /schemaVersion is not one of/,
    ],
    [
      'a legal basis GDPR does not have',
      'genuine-confirmed.json',
      (r) => {
        r.purposes.push({ id: 'partner-sharing', description: 'x', legalBasis: 'because' });
      },
      /legalBasis is not one of/,
    ],
    [
      'a withdrawal of nulls',
      'genuine-confirmed.json',
      (r) => {
        r.withdrawal = { method: null, at: null, keyword: null };
      },
      /receipt\.withdrawal\.method is not a string/,
    ],
  ];
  for (const [label, file, change, detail] of cases) {
    it(`refuses ${label}`, async () => {
      const result = await forge(file, change);
      expect(result.verdict).toBe('INVALID');
      expect(result.failed.join('\n')).toMatch(detail);
    });
  }

  it('masked numbers: every form maskPhone writes, never a number in clear', () => {
    for (const e164 of ['+33612345678', '+447700900123', '+14155552671', '+4915123456789', '+32470123456']) {
      expect([e164, isMaskedPhone(maskPhone(e164))]).toEqual([e164, true]);
      expect(isMaskedPhone(e164)).toBe(false);
    }
    for (const clear of ['+33 6 12 34 56 78', '+33 6•1 23 45 78', '06 12 34 56 78', '+33612345678', ''])
      expect([clear, isMaskedPhone(clear)]).toEqual([clear, false]);
  });
});
