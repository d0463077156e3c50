// The witness settings from the environment: ASSENT_WITNESS_KEY and ASSENT_WITNESS_LOGS make this server a witness,
// ASSENT_WITNESS_POLICY sends our checkpoints to witnesses. The entry reads the files; errors name the variable.
import { makeCosignatureVerifierKey, parseCosignerKey } from '../crypto/cosignature.ts';
import { EnvError, type Env } from '../env.ts';
import { parsePolicy, PolicyError } from './policy.ts';
import type { Witnessing } from './submit.ts';
import type { WitnessRole } from './witness.ts';

export interface WitnessFiles {
  /** The text of the ASSENT_WITNESS_LOGS file. */
  logs?: string;
  /** The text of the ASSENT_WITNESS_POLICY file. */
  policy?: string;
}

type WitnessEnv = Pick<
  Env,
  'ASSENT_WITNESS_KEY' | 'ASSENT_WITNESS_LOGS' | 'ASSENT_WITNESS_POLICY' | 'ASSENT_WITNESS_INTERVAL'
>;

async function readPolicy(name: string, text: string | undefined, requireQuorum: boolean) {
  if (text === undefined) throw new EnvError(`${name} names a file that could not be read.`);
  try {
    return await parsePolicy(text, { requireQuorum });
  } catch (error) {
    throw new EnvError(`${name}: ${error instanceof PolicyError ? error.message : 'unreadable policy'}`);
  }
}

/** A value holding a newline is the file's text itself (Workers have no files: set the variable to the policy). */
const inline = (value: string | undefined) => (value?.includes('\n') ? value : undefined);

export async function witnessConfig(
  env: WitnessEnv,
  files: WitnessFiles,
): Promise<{ witness?: WitnessRole; witnessing?: Witnessing }> {
  files = {
    logs: files.logs ?? inline(env.ASSENT_WITNESS_LOGS),
    policy: files.policy ?? inline(env.ASSENT_WITNESS_POLICY),
  };
  const out: { witness?: WitnessRole; witnessing?: Witnessing } = {};
  if (env.ASSENT_WITNESS_LOGS && !env.ASSENT_WITNESS_KEY)
    throw new EnvError('ASSENT_WITNESS_LOGS is set but ASSENT_WITNESS_KEY is missing: a witness needs its key.');
  if (env.ASSENT_WITNESS_KEY) {
    let cosigner: Awaited<ReturnType<typeof parseCosignerKey>>;
    try {
      cosigner = await parseCosignerKey(env.ASSENT_WITNESS_KEY);
    } catch (error) {
      throw new EnvError(`ASSENT_WITNESS_KEY: ${error instanceof Error ? error.message : 'unreadable'}`);
    }
    const logs = env.ASSENT_WITNESS_LOGS ? (await readPolicy('ASSENT_WITNESS_LOGS', files.logs, false)).logs : [];
    out.witness = { cosigner, vkey: await makeCosignatureVerifierKey(cosigner.name, cosigner.publicKey), logs };
  }
  if (env.ASSENT_WITNESS_POLICY) {
    const policy = await readPolicy('ASSENT_WITNESS_POLICY', files.policy, true);
    const noUrl = policy.witnesses.find((w) => w.url === null);
    if (noUrl)
      throw new EnvError(
        `ASSENT_WITNESS_POLICY: witness ${noUrl.name} has no URL to submit to (witness <name> <vkey> <url>).`,
      );
    out.witnessing = { policy, intervalMs: env.ASSENT_WITNESS_INTERVAL * 1000 };
  }
  return out;
}
