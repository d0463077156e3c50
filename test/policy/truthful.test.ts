// Truthful generation, walked over the whole facts schema: for every fact, a configuration that leaves it out (when
// the law fixes no default) or fills it with a placeholder is refused at PUT and at publishing, naming the fact
// where the owner writes it; nothing is published meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { configPath } from '../../worker/domain/site/rules.ts';
import { forgetSite } from '../../worker/domain/site/sites.ts';
import { LEGAL_DEFAULTS, policyFactsSchema } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { factNodes, type FactNode } from './schema-walk.ts';
import { similarProducts } from './helpers.ts';

const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** The demo's facts take one branch of each choice; these take the others, so every path of the schema is somewhere. */
const alternate = {
  ...demoPolicyFacts,
  dpo: { name: 'Claire Martin', email: 'dpo@demo-shop.fr' },
  transfers: [
    { country: 'US', safeguard: 'scc', details: { fr: 'Hébergement de nos e-mails.', en: 'Hosting of our e-mails.' } },
  ],
  automatedDecisions: { description: { fr: 'Un logiciel repère la fraude.', en: 'Software spots fraud.' } },
  program: { ...demoPolicyFacts.program, shortCode: '38123' },
  // The existing-customer exception (article L34-5 CPCE) marks one purpose.
  purposes: [similarProducts, ...demoPolicyFacts.purposes],
};
const fixtures: Record<string, unknown>[] = [demoPolicyFacts, alternate];

/** Optional in the schema, but required by another fact: the fixtures' purposes rest on legitimate interests. */
const CONDITIONAL = new Set(['legitimateInterests']);

const at = (value: unknown, path: string[]) =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);

function edited(facts: unknown, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(facts) as Record<string, unknown>;
  const parent = at(copy, path.slice(0, -1)) as Record<string, unknown>;
  if (value === undefined) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = value;
  return copy;
}

/** A site configuration stating these facts (the program block lives in `program`, its purpose as `description`). */
function configWith(facts: Record<string, unknown>) {
  const { program, ...policy } = facts as { program?: Record<string, unknown> };
  if (!program) return { ...demoSiteConfig, program: undefined, policy };
  const { purpose, ...rest } = program;
  return {
    ...demoSiteConfig,
    program: { ...rest, ...(purpose === undefined ? {} : { description: purpose }) },
    policy,
  };
}

const PLACEHOLDERS = [
  'TODO',
  '… …',
  'XXX',
  'Lorem ipsum',
  'to be done...',
  'see the example',
  'TBD',
  '{{name}}',
  '   ',
];
function placeholderFor(node: FactNode, i: number): string {
  if (node.format === 'email') return ['privacy@example.com', 'todo@demo-shop.fr', 'xxx@shop.test'][i % 3]!;
  if (node.format === 'url')
    return ['https://example.com/privacy', 'https://www.demo-shop.fr/TODO', 'https://shop.invalid'][i % 3]!;
  if (node.format === 'id') return ['todo', 'xxx', 'lorem'][i % 3]!;
  if (node.format === 'code') return 'XXX';
  return PLACEHOLDERS[i % PLACEHOLDERS.length]!;
}

const name = (path: string[]) => path.join('.');
/** Where the owner writes a fact, as a problem names it. */
const configName = (path: string[]) => configPath(`policy.${name(path)}`);

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => h.close());

/** PUT answers 422 naming `expected`; the same facts written straight to the row (as an old row would hold them) are refused at publishing, naming it too. */
async function refusedEverywhere(facts: Record<string, unknown>, expected: (paths: string[]) => void, canStore = true) {
  const before = (await h.ctx.sites.get('demo'))!.config;
  const put = await h.app.request('/v1/sites/demo', { ...json(configWith(facts), admin), method: 'PUT' });
  expect(put.status, await put.clone().text()).toBe(422);
  expected(((await put.json()) as { errors: { path: string }[] }).errors.map((e) => e.path));
  expect((await h.ctx.sites.get('demo'))!.config).toBe(before);
  if (!canStore) return;
  const version = await h.ctx.policies.latestVersion('demo');
  await h.ctx.sites.updateConfig('demo', JSON.stringify(configWith(facts)), h.now());
  forgetSite(h.ctx, 'demo');
  try {
    const published = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Next.' }, admin));
    expect(published.status, await published.clone().text()).toBe(422);
    expected(((await published.json()) as { errors: { path: string }[] }).errors.map((e) => e.path));
    expect(await h.ctx.policies.latestVersion('demo')).toBe(version);
  } finally {
    await h.ctx.sites.updateConfig('demo', before, h.now());
    forgetSite(h.ctx, 'demo');
  }
}

const nodes = factNodes(policyFactsSchema as never);

describe('walking the facts schema', () => {
  it('finds every fact, each present in a fixture (sanity check of the walk)', () => {
    expect(nodes.length).toBeGreaterThan(45);
    for (const node of nodes)
      expect(
        fixtures.some((f) => at(f, node.path) !== undefined),
        name(node.path),
      ).toBe(true);
    expect(nodes.map((n) => name(n.path))).toEqual(
      expect.arrayContaining([
        'dpo.reason',
        'dpo.email',
        'transfers.0.details',
        'automatedDecisions.description',
        'program.shortCode',
      ]),
    );
  });

  nodes.forEach((node, i) => {
    const facts = fixtures.find((f) => at(f, node.path) !== undefined)!;
    const path = name(node.path);
    const mayGo = node.optional && !CONDITIONAL.has(path);

    if (mayGo) {
      it(`${path} may be left out, and publishing then states only what is declared or a legal default`, async () => {
        const put = await h.app.request('/v1/sites/demo', {
          ...json(configWith(edited(facts, node.path, undefined)), admin),
          method: 'PUT',
        });
        expect(put.status, await put.clone().text()).toBe(200);
        const published = await h.app.request('/v1/sites/demo/policies', json({ summary: `Without ${path}.` }, admin));
        expect(published.status, await published.clone().text()).toBe(201);
        if (path === 'retention.proofs') {
          expect(await (await h.app.request('/p/demo?format=md&locale=en')).text()).toContain(LEGAL_DEFAULTS.proofs.en);
        }
      });
    } else {
      it(`publishing without ${path} is refused, naming it`, async () => {
        // A choice between shapes ({none: true} or the details) names whichever branch it judged closer.
        const union = ['dpo', 'transfers', 'automatedDecisions'].includes(node.path[0]!) && node.path.length === 2;
        const canStore = node.path[0] !== 'program'; // an old row always had its program
        await refusedEverywhere(
          edited(facts, node.path, undefined),
          (paths) => {
            if (union) expect(paths.some((p) => p.startsWith(configName(node.path.slice(0, 1))))).toBe(true);
            else expect(paths).toContain(configName(node.path));
          },
          canStore,
        );
      });
    }

    if (node.kind === 'text') {
      // The program's texts are per locale in the configuration: the placeholder goes in the French one.
      const perLocale = node.path[0] === 'program' && ['purpose', 'frequency'].includes(node.path[1]!);
      const value = perLocale ? { fr: placeholderFor(node, i), en: 'our deals' } : placeholderFor(node, i);
      const named = perLocale ? `${configName(node.path)}.fr` : configName(node.path);
      it(`publishing with a placeholder in ${path} (${JSON.stringify(value)}) is refused, naming it`, async () => {
        await refusedEverywhere(edited(facts, node.path, value), (paths) => expect(paths).toContain(named));
      });
    }
  });

  it('names every missing and placeholder fact of one configuration at once', async () => {
    let facts = edited(demoPolicyFacts, ['controller', 'address'], '1 rue …, 75011 Paris');
    facts = edited(facts, ['rights', 'email'], undefined);
    facts = edited(facts, ['retention', 'prospects'], 'TODO');
    facts = edited(facts, ['program', 'purpose'], { fr: 'nos offres', en: 'Lorem ipsum' });
    await refusedEverywhere(facts, (paths) =>
      expect([...new Set(paths)].sort()).toEqual([
        'policy.controller.address',
        'policy.retention.prospects',
        'policy.rights.email',
        'program.description.en',
      ]),
    );
  });
});
