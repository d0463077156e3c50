#!/usr/bin/env node
// Command-line entry: registers tsx so Node 20 can load the TypeScript verifier, then runs it.
import { readFile, writeFile } from 'node:fs/promises';
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../worker/verify/cli.ts');
process.exitCode = await runCli(process.argv.slice(2), {
  fetch: globalThis.fetch,
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
