// The layout's rules, checked on the source: no import cycle, lower layers never import the domain, routes never
// import each other or reach a repository directly.
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, sourceFiles } from './source-files.ts';

/** Every relative import and re-export of a file (type-only ones too: a type cycle is still a cycle of meaning). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]/g)) {
    found.push(relative(root, resolve(dirname(file), match[1]!)));
  }
  return found;
}

const files = [...sourceFiles(join(root, 'worker')), ...sourceFiles(join(root, 'widget'))].map((f) =>
  relative(root, f),
);
const graph = new Map(files.map((f) => [f, importsOf(join(root, f)).filter((t) => files.includes(t))]));

/** Strongly connected components of more than one file (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return out;
}

describe('layout rules', () => {
  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(graph.get('worker/app.ts')!.length).toBeGreaterThan(5);
  });

  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('keeps db/, crypto/, sms/ and the libraries (net/, policy/, verify/) below the domain', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      /^worker\/(db|crypto|sms|net|policy|verify)\//.test(file)
        ? targets.filter((t) => t.startsWith('worker/domain/')).map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(upward).toEqual([]);
  });

  // The console's pages are routes too: they answer HTTP and call the domain.
  const isRoute = (f: string) => /^worker\/(routes|console)\//.test(f) && !f.startsWith('worker/console/islands/');

  it('lets no route import another route, and openapi.ts import no route', () => {
    const crossing = [...graph].flatMap(([file, targets]) =>
      isRoute(file) || file === 'worker/openapi.ts'
        ? targets
            .filter((t) => t.startsWith('worker/routes/') && t !== 'worker/routes/schemas.ts')
            .filter((t) => !(file.startsWith('worker/console/') && t.startsWith('worker/console/')))
            .map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(crossing).toEqual([]);
  });

  it('keeps the domain free of HTTP: no import of routes/, console/, pages/, http/ or app.ts', () => {
    const up = [...graph].flatMap(([file, targets]) =>
      file.startsWith('worker/domain/')
        ? targets
            .filter((t) => /^worker\/(routes|console|pages|http)\/|^worker\/(app|openapi)\.ts$/.test(t))
            .map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(up).toEqual([]);
  });

  it('keeps the shared HTTP helpers and pages below the routes: http/ and pages/ import no route or console page', () => {
    const up = [...graph].flatMap(([file, targets]) =>
      /^worker\/(http|pages)\//.test(file) ? targets.filter((t) => isRoute(t)).map((t) => `${file} -> ${t}`) : [],
    );
    expect(up).toEqual([]);
  });

  it('has routes/ files export their routes only (shared pieces live in schemas.ts, http/ or the domain)', () => {
    const extra = files
      .filter((f) => f.startsWith('worker/routes/') && f !== 'worker/routes/schemas.ts')
      .flatMap((f) =>
        [
          ...readFileSync(join(root, f), 'utf8').matchAll(
            /^export\s+(?:async\s+)?(?:function|const|let|class|interface|type)\s+(\w+)/gm,
          ),
        ]
          .map((m) => m[1]!)
          .filter((name) => !name.endsWith('Routes'))
          .map((name) => `${f}: ${name}`),
      );
    expect(extra).toEqual([]);
  });

  it('lets routes reach repositories only through the domain', () => {
    const repo = 'sites|subjects|consents|events|outbox|policies|proofs|log|limits|inbound|apiKeys|leases|store';
    const direct = files
      .filter(isRoute)
      .flatMap((f) =>
        [...readFileSync(join(root, f), 'utf8').matchAll(new RegExp(`\\bctx\\.(${repo})\\b`, 'g'))].map(
          (m) => `${f}: ctx.${m[1]}`,
        ),
      );
    const dbImports = [...graph].flatMap(([file, targets]) =>
      isRoute(file) ? targets.filter((t) => t.startsWith('worker/db/')).map((t) => `${file} -> ${t}`) : [],
    );
    expect(direct).toEqual([]);
    // Row types may be named (import type); a route never holds a repository or runs a statement itself.
    expect(dbImports.filter((edge) => !typeOnly(edge))).toEqual([]);
  });

  it('groups the domain by capability: only context.ts at its top level, each group a folder with its entry', () => {
    const domain = files.filter((f) => f.startsWith('worker/domain/'));
    expect(domain.filter((f) => f.split('/').length === 3)).toEqual(['worker/domain/context.ts']);
    const groups = [...new Set(domain.filter((f) => f.split('/').length === 4).map((f) => f.split('/')[2]!))];
    expect(groups.length).toBeGreaterThanOrEqual(8);
    for (const group of groups) expect(files, group).toContain(`worker/domain/${group}/index.ts`);
    expect(domain.filter((f) => f.split('/').length > 4)).toEqual([]);
  });

  // The runtime's hooks (the SMS provider, the challenge verifier, the send kick) travel in the domain context, built
  // once in deps.ts: a route, the console, an HTTP helper or the jobs that reads one to hand it to the domain again
  // is how a path ends up skipping one (the hosted form once skipped the challenge by leaving out an argument).
  const HOOKS = /\b(providerFor|verifyChallenge|onQueued)\b/g;
  const callers = files.filter((f) => isRoute(f) || /^worker\/(http|pages)\/|^worker\/(app|jobs|openapi)\.ts$/.test(f));

  it('passes no runtime hook by hand: routes, the console and the jobs never name one', () => {
    expect(callers.length).toBeGreaterThan(20);
    const named = callers.flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(HOOKS)].map((m) => `${f}: ${m[1]}`),
    );
    expect(named).toEqual([]);
  });

  it('has no domain function take a runtime hook as a parameter: it reads the context', () => {
    const taken = files
      .filter((f) => f.startsWith('worker/domain/') && f !== 'worker/domain/context.ts')
      .flatMap((f) =>
        [
          ...readFileSync(join(root, f), 'utf8').matchAll(
            /\b\w+\??:\s*(ChallengeVerifier|ProviderFor|SmsProvider)\b|\b(?:onQueued|providerFor|verifyChallenge)\??:/g,
          ),
        ].map((m) => `${f}: ${m[0]}`),
      );
    expect(taken).toEqual([]);
  });

  it('lets code outside the domain call only its entries (and name the context)', () => {
    const past = [...graph].flatMap(([file, targets]) =>
      file.startsWith('worker/domain/')
        ? []
        : targets
            .filter(
              (t) => t.startsWith('worker/domain/') && t !== 'worker/domain/context.ts' && !t.endsWith('/index.ts'),
            )
            .map((t) => `${file} -> ${t}`),
    );
    expect(past).toEqual([]);
  });
});

/** Whether every import of `target` in `file` (an edge "file -> target") is `import type`. */
function typeOnly(edge: string): boolean {
  const [file, target] = edge.split(' -> ') as [string, string];
  const text = readFileSync(join(root, file), 'utf8');
  const specifier = relative(dirname(join(root, file)), join(root, target));
  const lines = text
    .split('\n')
    .filter(
      (l) => /^\s*(import|export)\s/.test(l) && l.includes(`${specifier.startsWith('.') ? '' : './'}${specifier}'`),
    );
  return lines.length > 0 && lines.every((l) => /^\s*import type\s/.test(l));
}
