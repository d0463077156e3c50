// Handlers read the request's variables (ctx, deps, site…) with c.get('x'), never c.var.x: Hono's `var` getter copies
// every variable into a new object at each access (Object.fromEntries), and the routes and middleware read them several
// times a request (1.2 % of a consent POST's event-loop CPU). A destructuring (`const { t, site } = c.var`) copies
// once and stays allowed.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { root, sourceFiles } from './source-files.ts';

describe('request variables', () => {
  it('are copied by c.var at every access (the reason for the rule below)', async () => {
    const app = new Hono<{ Variables: { n: number } }>();
    let same: boolean | undefined;
    app.get('/', (c) => {
      c.set('n', 1);
      const first = c.var;
      same = first === c.var;
      return c.text(String(c.get('n')));
    });
    expect(await (await app.request('/')).text()).toBe('1');
    expect(same).toBe(false);
  });

  it('are read with c.get, not through c.var.<name>', () => {
    const offenders = sourceFiles(join(root, 'worker')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/\bc\.var\.[A-Za-z_]/.test(line) ? [`${relative(root, file)}:${i + 1}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
