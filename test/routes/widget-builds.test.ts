// Widget builds at their hashed URLs: the current one as /widget.json announces it, earlier ones kept byte for byte.
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { widgetBundle } from '../../worker/generated/widget.ts';
import { widgetPath } from '../../worker/domain/site/widget-document.ts';
import { makeHarness, type Harness } from '../harness.ts';

const hashedWidgetPath = widgetPath(widgetBundle);

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const sri = (code: string) => `sha384-${createHash('sha384').update(code).digest('base64')}`;

describe('widget builds', () => {
  it('serves the current build at its hashed URL with the integrity value /widget.json announces', async () => {
    const info = (await (await h.app.request('/widget.json')).json()) as { src: string; integrity: string };
    expect(info.src).toBe(`https://assent.test${hashedWidgetPath}`);
    const res = await h.app.request(hashedWidgetPath);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(sri(await res.text())).toBe(info.integrity);
    expect(info.integrity).toBe(widgetBundle.sri);
  });

  it('keeps serving an earlier build after an upgrade, byte for byte', async () => {
    const old = '/* an earlier build */ (function(){})();';
    const sha = createHash('sha256').update(old).digest('hex');
    await h.ctx.policies.rememberBundle(sha, old, h.now());
    const res = await h.app.request(`/widget-${sha.slice(0, 16)}.js`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(old);
    expect((await h.app.request('/widget-0123456789abcdef.js')).status).toBe(404);
    expect((await h.app.request('/widget-XYZ.js')).status).toBe(404);
  });

  it('stores the build it serves, so the next release can still serve it', async () => {
    await h.app.request('/widget.js');
    const stored = await h.ctx.policies.bundleByPrefix(widgetBundle.sha256.slice(0, 16));
    expect(stored?.code).toBe(widgetBundle.code);
  });
});
