#!/usr/bin/env node
// Command-line entry: registers tsx so Node 20 can load the TypeScript verifier, then runs it (`assent verify`), or
// the log monitor (`assent monitor`, kept out of the standalone verify.mjs that cli.ts is built into).
import { readFile, writeFile } from 'node:fs/promises';
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
const run =
  argv[0] === 'monitor'
    ? (await import('../worker/verify/monitor-cli.ts')).runMonitor.bind(null, argv.slice(1))
    : (await import('../worker/verify/cli.ts')).runCli.bind(null, argv);
process.exitCode = await run({
  fetch: globalThis.fetch,
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
