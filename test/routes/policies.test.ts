// Published policy versions: exact bytes behind each hash, v2 beside v1 with a diff and renewal on a material change,
// and a publish refused for a missing fact.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const sha = (bytes: ArrayBuffer) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

async function config() {
  return ((await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as { config: Record<string, any> })
    .config;
}

describe('policy versions', () => {
  it('serves the exact Markdown bytes whose hash the JSON states, in each locale', async () => {
    for (const locale of ['fr', 'en']) {
      const md = await h.app.request(`/p/demo/1?format=md&locale=${locale}`);
      expect(md.status).toBe(200);
      expect(md.headers.get('cache-control')).toContain('immutable');
      const meta = (await (await h.app.request(`/p/demo/1?format=json&locale=${locale}`)).json()) as Record<
        string,
        any
      >;
      expect(meta.sha256).toBe(sha(await md.arrayBuffer()));
      expect(meta.locale).toBe(locale);
      const covered = new Set((meta.sections as { covers: string[] }[]).flatMap((s) => s.covers));
      for (const item of ['1a', '1b', '1c', '1d', '1e', '1f', '2a', '2b', '2c', '2d', '2e', '2f'])
        expect(covered).toContain(`art13-${item}`);
    }
    const html = await (await h.app.request('/p/demo/1?locale=en')).text();
    expect(html).toContain('lang="en"');
    expect(html).toMatch(/Version 1/);
  });

  it("revalidates a version's HTML page once its version list grew; its Markdown bytes stay a 304", async () => {
    const page = await h.app.request('/p/demo/1?locale=en');
    const md = await h.app.request('/p/demo/1?format=md&locale=en');
    const [pageTag, mdTag] = [page.headers.get('etag')!, md.headers.get('etag')!];
    expect(pageTag).toBeTruthy();
    const before = await page.text();
    expect((await h.app.request('/p/demo/1?locale=en', { headers: { 'if-none-match': pageTag } })).status).toBe(304);
    expect(
      (await h.app.request('/v1/sites/demo/policies', json({ summary: 'Same facts, new version.' }, auth))).status,
    ).toBe(201);
    const again = await h.app.request('/p/demo/1?locale=en', { headers: { 'if-none-match': pageTag } });
    expect(again.status).toBe(200);
    expect(await again.text()).not.toBe(before);
    expect((await h.app.request('/p/demo/1?format=md&locale=en', { headers: { 'if-none-match': mdTag } })).status).toBe(
      304,
    );
  });

  it('publishes v2 without touching v1, diffs them, and asks consents to be renewed on a material change', async () => {
    const res = await optIn(h);
    await h.flush();
    await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    const v1 = await (await h.app.request('/p/demo/1?format=md&locale=en')).arrayBuffer();

    const cfg = await config();
    cfg.policy.recipients = [
      ...cfg.policy.recipients,
      {
        name: 'Mailer Ltd',
        role: 'processor',
        purpose: { fr: 'envoyer nos SMS', en: 'send our texts' },
        country: 'FR',
      },
    ];
    expect((await h.app.request('/v1/sites/demo', { ...json(cfg, auth), method: 'PUT' })).status).toBe(200);
    const pub = await h.app.request('/v1/sites/demo/policies', json({ summary: 'New SMS processor.' }, auth));
    expect(pub.status).toBe(201);
    expect(await pub.json()).toMatchObject({ version: 2, materialChanges: ['recipients'], renewalRequired: true });

    expect(sha(await (await h.app.request('/p/demo/1?format=md&locale=en')).arrayBuffer())).toBe(sha(v1));
    const diff = await (await h.app.request('/p/demo/diff/1/2?locale=en')).text();
    expect(diff).toContain('Mailer Ltd');
    const versions = (await (await h.app.request('/p/demo/versions')).json()) as { versions: { version: number }[] };
    expect(versions.versions.map((v) => v.version).sort()).toEqual([1, 2]);

    const gate = (await (
      await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone: '+33612345678' }, auth))
    ).json()) as Record<string, unknown>;
    expect(gate).toMatchObject({
      status: 'confirmed',
      renewalRequired: true,
      canSend: false,
      reason: 'renewal-required',
    });
    const widget = (await (await h.app.request('/v1/sites/demo/widget?locale=en')).json()) as {
      policy: { version: number };
    };
    expect(widget.policy.version).toBe(2);
    expect(res.status).toBe(202);
  });

  it('refuses to publish with a missing fact, naming it', async () => {
    const cfg = await config();
    delete cfg.policy.controller.email;
    const put = await h.app.request('/v1/sites/demo', { ...json(cfg, auth), method: 'PUT' });
    expect(put.status).toBe(422);
    const problem = (await put.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toContain('policy.controller.email');
  });
});
