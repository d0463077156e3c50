// Makes a witness key for ASSENT_WITNESS_KEY: `npx tsx scripts/witness-key.ts <name>` prints the private key (keep it
// secret) and the vkey to give the logs you witness and the verifiers who count on you.
import { generateCosignerKey } from '../worker/crypto/cosignature.ts';

const name = process.argv[2];
if (!name || /[\s+]/.test(name)) {
  process.stderr.write('usage: npx tsx scripts/witness-key.ts <name, e.g. witness.example.org/assent>\n');
  process.exit(2);
}
const { signerKey, verifierKey } = await generateCosignerKey(name);
process.stdout.write(`ASSENT_WITNESS_KEY=${signerKey}\n# vkey: ${verifierKey}\n`);
