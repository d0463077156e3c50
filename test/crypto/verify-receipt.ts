// Verifies a receipt JWS in the tests with the code the standalone verifier and the proof page run (verify/jws.ts),
// and reads the receipt it signs. The service itself only signs.
import { fromUtf8 } from '../../worker/crypto/encoding.ts';
import { verifyJws, type KeySet } from '../../worker/verify/jws.ts';

export { JwsError } from '../../worker/verify/jws.ts';

export async function verifyReceipt(
  jws: string,
  jwks: KeySet,
): Promise<{ receipt: unknown; payload: Uint8Array; kid: string }> {
  const { payload, kid } = await verifyJws(jws, jwks);
  return { receipt: JSON.parse(fromUtf8(payload)) as unknown, payload, kid };
}
