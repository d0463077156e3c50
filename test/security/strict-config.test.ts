// The site configuration is one strict schema: wrong types, unknown keys, oversize strings and arrays, and bodies
// nested too deep are refused with a problem naming the path, never stored and never a 5xx. Rows stored before the
// schema was strict keep loading, and the widget keeps working.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { forgetSite } from '../../worker/domain/site/sites.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { expectProblem } from '../assertions.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const put = (body: unknown, headers: Record<string, string> = admin) =>
  h.app.request('/v1/sites/demo', { ...json(body, headers), method: 'PUT' });
const putRaw = (text: string) =>
  h.app.request('/v1/sites/demo', {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: text,
  });

describe('strict site configuration', () => {
  const long = 'x'.repeat(501);
  it.each([
    ['widget.texts.fr.stop', { widget: { texts: { fr: { stop: 12345 } } } }],
    ['widget.texts.fr.errors.generic', { widget: { texts: { fr: { errors: { generic: ['no'] } } } } }],
    ['widget.texts.fr.yes', { widget: { texts: { fr: { yes: long } } } }],
    ['widget.texts.fr.shout', { widget: { texts: { fr: { shout: 'HELLO' } } } }],
    ['widget.texts.fr.errors.teapot', { widget: { texts: { fr: { errors: { teapot: 'short and stout' } } } } }],
    ['widget.theme.bg', { widget: { theme: { bg: 'red;}body{display:none' } } }],
    ['widget.theme.shadow', { widget: { theme: { shadow: '0 0 1px' } } }],
    ['widget.layout', { widget: { layout: 'wide' } }],
    ['sms.token', { sms: { provider: 'console', token: 'x' } }],
    ['colour', { colour: 'blue' }],
    ['name', { name: 42 }],
    ['name', { name: 'n'.repeat(101) }],
    ['program.helpContact', { program: { ...demoSiteConfig.program, helpContact: 'h'.repeat(201) } }],
    ['program.extra', { program: { ...demoSiteConfig.program, extra: true } }],
    ['allowedOrigins', { allowedOrigins: Array.from({ length: 51 }, (_, i) => `https://s${i}.shop.fr`) }],
    ['locales', { locales: Array.from({ length: 21 }, () => 'fr') }],
    ['limits.perDay', { limits: { ...demoSiteConfig.limits, perDay: 5 } }],
    ['inboundSecret', { inboundSecret: 's'.repeat(501) }],
    [
      'quietHours.holidays',
      { quietHours: { windows: Array(7).fill([480, 1200]), holidays: Array(401).fill('2027-01-01') } },
    ],
    ['quietHours.weekends', { quietHours: { windows: Array(7).fill(null), holidays: 'none', weekends: false } }],
    ['challenge.secret', { challenge: { provider: 'turnstile', siteKey: 'k', secret: 7 } }],
    [
      'policy.controller.fax',
      { policy: { ...demoSiteConfig.policy, controller: { ...demoSiteConfig.policy!.controller, fax: '01' } } },
    ],
    [
      'policy.controller.name',
      {
        policy: {
          ...demoSiteConfig.policy,
          controller: { ...demoSiteConfig.policy!.controller, name: 'n'.repeat(201) },
        },
      },
    ],
  ])('PUT refuses %s with a 422 naming it, and stores nothing', async (path, patch) => {
    const before = (await h.ctx.sites.get('demo'))!.config;
    await expectProblem(await put({ ...demoSiteConfig, ...patch }), 422, path);
    await expectProblem(await put({ id: 'demo', config: { ...demoSiteConfig, ...patch } }), 422, `config.${path}`);
    expect((await h.ctx.sites.get('demo'))!.config).toBe(before);
  });

  it('names every bad path of one body at once', async () => {
    const body = await expectProblem(
      await put({ ...demoSiteConfig, name: 1, colour: 'blue', widget: { texts: { en: { no: false } } } }),
      422,
    );
    expect(body.errors!.map((e) => e.path).sort()).toEqual(['colour', 'name', 'widget.texts.en.no']);
  });

  it('accepts widget text overrides and a theme, and the widget shows them', async () => {
    const widget = {
      texts: { fr: { yes: 'Oui, écrivez-moi', errors: { generic: 'Oups. Réessayez plus tard.' } } },
      theme: { bg: '#fff', radius: '8px' },
    };
    expect((await put({ ...demoSiteConfig, widget })).status).toBe(200);
    const doc = (await (await h.app.request('/v1/sites/demo/widget?locale=fr')).json()) as {
      texts: { yes: string; errors: { generic: string } };
    };
    expect(doc.texts.yes).toBe('Oui, écrivez-moi');
    expect(doc.texts.errors.generic).toBe('Oups. Réessayez plus tard.');
  });

  it('refuses a body nested deeper than 32 levels with a 400 naming (body), for every JSON route', async () => {
    const deep = `${'['.repeat(2000)}${']'.repeat(2000)}`;
    const res = await putRaw(`{"name":"x","widget":${deep}}`);
    const body = await expectProblem(res, 400, '(body)');
    expect(body.detail).toMatch(/32/);
    await expectProblem(
      await h.app.request('/v1/sites', {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: deep,
      }),
      400,
      '(body)',
    );
    await expectProblem(
      await h.app.request('/v1/sites/demo/consents', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: deep,
      }),
      400,
      '(body)',
    );
    // Brackets inside strings do not count; 32 levels still parse (and fail validation on their own merits).
    expect((await put({ ...demoSiteConfig, name: `Shop ${'[{'.repeat(40)}` })).status).toBe(200);
    const nested = JSON.stringify({ name: JSON.parse(`${'['.repeat(31)}1${']'.repeat(31)}`) });
    await expectProblem(await putRaw(nested), 422, 'name');
  });
});

describe('rows stored before the schema was strict', () => {
  it('a row with a wrong-typed widget text and unknown keys still loads; the bad text falls back to the template', async () => {
    const legacy = {
      ...demoSiteConfig,
      colour: 'blue',
      widget: { texts: { fr: { stop: 12345, yes: 'Oui !' } }, theme: { bg: 'red;}x{' }, layout: 'wide' },
    };
    await h.ctx.sites.updateConfig('demo', JSON.stringify(legacy), h.now());
    forgetSite(h.ctx, 'demo');
    const res = await h.app.request('/v1/sites/demo/widget?locale=fr');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { texts: { stop: string; yes: string }; theme?: unknown };
    expect(doc.texts.yes).toBe('Oui !');
    expect(doc.texts.stop).toMatch(/STOP/);
    expect(doc.theme).toBeUndefined();
    expect((await h.app.request('/s/demo')).status).toBe(200);
    const got = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as {
      config: Record<string, unknown>;
    };
    expect(got.config).not.toHaveProperty('colour');
  });

  it('a row whose policy facts are now incomplete still loads; publishing and the next PUT name what is missing', async () => {
    const { automatedDecisions: _gone, ...facts } = demoSiteConfig.policy!;
    await h.ctx.sites.updateConfig('demo', JSON.stringify({ ...demoSiteConfig, policy: facts }), h.now());
    forgetSite(h.ctx, 'demo');
    expect((await h.app.request('/v1/sites/demo/widget')).status).toBe(200);
    const got = (await (await h.app.request('/v1/sites/demo', { headers: admin })).json()) as { config: unknown };
    await expectProblem(await put(got), 422, 'config.policy.automatedDecisions');
    await expectProblem(
      await h.app.request('/v1/sites/demo/policies', json({ summary: 'v2' }, admin)),
      422,
      'policy.automatedDecisions',
    );
  });
});
