// Entry of the standalone verifier (`node verify.mjs …`, built into one file by scripts/build-assets.ts): the
// Node glue around runCli, like bin/assent.mjs, so both print the same checks for the same input.
import { readFile, writeFile } from 'node:fs/promises';
import { runCli } from './cli.ts';

const [major] = process.versions.node.split('.').map(Number);
if ((major ?? 0) < 20 || !globalThis.crypto?.subtle) {
  process.stderr.write(
    `verify.mjs needs Node 20 or later (WebCrypto Ed25519); this is Node ${process.versions.node}\n`,
  );
  process.exit(2);
}
const argv = process.argv.slice(2);
process.exitCode = await runCli(argv[0] === 'verify' ? argv : ['verify', ...argv], {
  fetch: globalThis.fetch,
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  program: 'node verify.mjs',
});
