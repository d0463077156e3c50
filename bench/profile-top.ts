// The top entries of a V8 CPU profile (node --cpu-prof, e.g. PROF_DIR with bench/http.ts): self time per function
// and per package or source folder, as shares of the busy time (idle left out).
// Run: `npx tsx bench/profile-top.ts <file.cpuprofile> [count] [last seconds]`; with the last argument only the samples
// of the profile's last seconds count (the load, without the server's start-up).
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg, lastArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [count]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const count = Number(countArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
const total = profile.timeDeltas.reduce((a, b) => a + b, 0);
const from = lastArg ? total - Number(lastArg) * 1e6 : 0;
let at = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (at >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});

/** Where a frame's code lives: a package under node_modules, a folder of this project, node internals or V8. */
function owner(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(worker\/[^/]+|bench|widget)\//.exec(url);
  return own ? own[1]! : url.replace(/^.*\//, '');
}

const fns = new Map<string, number>();
const owners = new Map<string, number>();
let busy = 0;
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  busy += us;
  const where = owner(url, functionName);
  const file = url.startsWith('node:') ? ` ${url.slice(5)}` : '';
  const key = `${functionName || '(anonymous)'}  ${where}${file}${url ? `:${lineNumber + 1}` : ''}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  owners.set(where, (owners.get(where) ?? 0) + us);
}
const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
console.log(`busy ${(busy / 1e6).toFixed(1)} s of ${((total - from) / 1e6).toFixed(1)} s sampled`);
console.log('\nself time by package / folder');
for (const [k, us] of top(owners, 15)) console.log(`${pct(us)}  ${k}`);
console.log(`\ntop ${count} functions by self time`);
for (const [k, us] of top(fns, count)) console.log(`${pct(us)}  ${k}`);
