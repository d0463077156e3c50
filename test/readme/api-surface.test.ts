// /openapi.json describes every route the app serves (the console's own pages and forms, and dev-mode routes, aside),
// and the README's API table names exactly the routes /openapi.json describes, with the same methods.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, makeHarness, type Harness } from '../harness.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

/** `/v1/sites/:site/x`, `/proofs/{proofId}` → `/v1/sites/{}/x`, `/proofs/{}`; Hono's pinned-widget pattern → `/widget-{}.js`. */
const shape = (path: string) =>
  path
    .replace(/^\/:file\{widget-.*\}$/, '/widget-{}.js')
    .replace(/:\w+(\{[^/]*\})?/g, '{}')
    .replace(/\{\w+\}/g, '{}');

/** Served by the app but not part of the API: the console's pages and forms (it is one entry, `/console`), dev mode. */
const outside = (path: string) => path.startsWith('/console/') || path === '/demo' || path.startsWith('/dev/');

let h: Harness;
let doc: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
beforeAll(async () => {
  h = await makeHarness();
  doc = (await (await h.app.request('/openapi.json')).json()) as typeof doc;
});
afterAll(async () => h.close());

const documented = () =>
  new Set(
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${shape(path)}`),
    ),
  );

describe('the public surface', () => {
  it('/openapi.json documents every route the app serves, and nothing it does not', () => {
    const served = new Set(
      (h.app as unknown as { routes: { method: string; path: string }[] }).routes
        .filter((r) => METHODS.includes(r.method) && !outside(r.path))
        .map((r) => `${r.method} ${shape(r.path)}`),
    );
    expect(
      [...served].filter((r) => !documented().has(r)),
      'served but not in /openapi.json',
    ).toEqual([]);
    expect(
      [...documented()].filter((r) => !served.has(r)),
      'in /openapi.json but not served',
    ).toEqual([]);
  });

  it("the README's API table names exactly the routes of /openapi.json", () => {
    const section = README.slice(
      README.indexOf('\n## API\n'),
      README.indexOf('\n## ', README.indexOf('\n## API\n') + 1),
    );
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(10);
    const listed = new Set<string>();
    for (const row of rows) {
      // `GET`/`PUT /path` names two methods on one path.
      const cell = row.split(' | ')[0]!.replace(/^\| /, '');
      for (const [, methods, path] of cell.matchAll(
        /((?:`(?:GET|POST|PUT|DELETE)`\/)*`(?:GET|POST|PUT|DELETE)) (\/[^`?]*)/g,
      )) {
        for (const method of methods!.match(/GET|POST|PUT|DELETE/g)!) listed.add(`${method} ${shape(path!)}`);
      }
    }
    expect(
      [...documented()].filter((r) => !listed.has(r)),
      'in /openapi.json but not in the README',
    ).toEqual([]);
    expect(
      [...listed].filter((r) => !documented().has(r)),
      'in the README but not in /openapi.json',
    ).toEqual([]);
  });

  it('documents GET /v1/sites/{site} as the {id, config} it answers, and PUT as taking that back or the bare config', async () => {
    const got = (await (
      await h.app.request('/v1/sites/demo', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as Record<string, unknown>;
    const site = doc.paths['/v1/sites/{site}']!;
    expect(site.get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/Site');
    expect(Object.keys(got).sort()).toEqual(Object.keys(doc.components.schemas.Site.properties).sort());
    expect(site.put.requestBody.content['application/json'].schema.oneOf.map((s: { $ref: string }) => s.$ref)).toEqual([
      '#/components/schemas/Site',
      '#/components/schemas/SiteConfig',
    ]);
  });
});
