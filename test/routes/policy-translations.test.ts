// A policy is published only when every text given per locale is given in each of the site's locales (a missing
// French text would otherwise be filled with the English one); the refusal names the field path.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function putPolicy(edit: (policy: Record<string, any>) => void) {
  const body = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as {
    config: Record<string, any>;
  };
  edit(body.config.policy);
  const put = await h.app.request('/v1/sites/demo', { ...json(body.config, auth), method: 'PUT' });
  expect(put.status).toBe(200);
}

it('refuses to publish when the French retention text is missing, naming it, and publishes nothing', async () => {
  await putPolicy((p) => {
    p.retention.prospects = { en: 'until you reply STOP, then 30 days' };
  });
  const res = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Shorter retention.' }, auth));
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const problem = (await res.json()) as { errors: { path: string; message: string }[] };
  expect(problem.errors.map((e) => e.path)).toEqual(['policy.retention.prospects.fr']);
  expect(problem.errors[0]!.message).toMatch(/"fr"/);
  const versions = (await (await h.app.request('/p/demo/versions?format=json')).json()) as { versions: unknown[] };
  expect(versions.versions).toHaveLength(1);
});

it('names a missing translation beside other missing facts, inside arrays too', async () => {
  await putPolicy((p) => {
    p.purposes[0].description = { fr: 'vous envoyer nos offres par SMS' };
  });
  const res = await h.app.request('/v1/sites/demo/policies', json({ summary: 'One purpose.' }, auth));
  expect(res.status).toBe(422);
  const problem = (await res.json()) as { errors: { path: string }[] };
  expect(problem.errors.map((e) => e.path)).toContain('policy.purposes.0.description.en');
});

it('a single string serves every locale and is published', async () => {
  await putPolicy((p) => {
    p.retention.prospects = 'STOP + 30 j / 30 days after STOP';
  });
  const res = await h.app.request('/v1/sites/demo/policies', json({ summary: 'One text.' }, auth));
  expect(res.status).toBe(201);
});
