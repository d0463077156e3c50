// Privacy policies: publish (site key), and read any version as HTML, the exact Markdown bytes, or JSON;
// the version list and a section-by-section diff. Numbered versions never change, so they cache forever.
import { Hono } from 'hono';
import { z } from 'zod';
import type { PolicyVersionRow } from '../db/policies.ts';
import { publishPolicy, type PolicyMeta } from '../domain/policies/index.ts';
import { policyVersion, policyVersions } from '../domain/policies/index.ts';
import { loadSite, type Site } from '../domain/site/index.ts';
import { notFound } from '../errors.ts';
import { policyTemplates } from '../generated/policy-templates.ts';
import { requireSiteAccess } from '../http/auth.ts';
import { jsonBody, validationErrorFor } from '../http/body.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { readableAnywhere } from '../http/cors.ts';
import { preferredLanguage, preferredType } from '../http/negotiate.ts';
import { pageHeaders } from '../pages/layout.tsx';
import { diffSections } from '../policy/diff.ts';
import { diffPage, policyPage } from '../policy/html.tsx';
import { parseSections } from '../policy/template.ts';
import { versionsPage } from '../policy/versions-html.tsx';

const IMMUTABLE = 'public, max-age=31536000, immutable';

function pickLocale(c: AppContext, site: Site): string {
  const wanted = c.req.query('locale');
  if (wanted && site.config.locales.includes(wanted)) return wanted;
  return preferredLanguage(c, site.config.locales) ?? site.config.defaultLocale;
}

const FORMATS = { 'text/html': 'html', 'text/markdown': 'md', 'application/json': 'json' } as const;

function formatOf(c: AppContext): 'md' | 'json' | 'html' {
  const format = c.req.query('format');
  if (format === 'md' || format === 'json' || format === 'html') return format;
  if (format !== undefined) throw validationErrorFor('format', 'Use md, json or html.');
  return FORMATS[preferredType(c, ['text/html', 'text/markdown', 'application/json'], 'text/html')];
}

/** `?format=json|html`, else Accept; `fallback` when the client states no preference between the two. */
function peopleOrJson(c: AppContext, fallback: 'html' | 'json'): 'html' | 'json' {
  const format = c.req.query('format');
  if (format === 'json' || format === 'html') return format;
  if (format !== undefined) throw validationErrorFor('format', 'Use json or html.');
  const preferred = fallback === 'json' ? 'application/json' : 'text/html';
  return preferredType(c, [preferred, fallback === 'json' ? 'text/html' : 'application/json'], preferred) ===
    'application/json'
    ? 'json'
    : 'html';
}

function versionParam(raw: string): number {
  const v = Number(raw);
  if (!/^[1-9]\d{0,8}$/.test(raw) || !Number.isSafeInteger(v))
    throw notFound(`No policy version "${raw.slice(0, 20)}".`);
  return v;
}

async function render(c: AppContext, site: Site, row: PolicyVersionRow, immutable: boolean) {
  const format = formatOf(c);
  // An ETag names the bytes sent. The Markdown's are hashed in the row: its tag. The JSON also says the version, its
  // date and summary (a new version may keep the Markdown), and the HTML page lists the versions and names the site:
  // conditional() tags both by their own bytes, so no other version or rename is ever a 304 or a cached copy.
  if (format === 'md') c.header('ETag', `"${row.sha256.slice(0, 32)}-md"`);
  c.header('Cache-Control', immutable ? IMMUTABLE : 'no-cache');
  if (format === 'md') return c.body(row.markdown, 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
  const meta = JSON.parse(row.meta) as PolicyMeta;
  if (format === 'json') {
    return c.json({
      site: site.id,
      version: row.version,
      locale: row.locale,
      publishedAt: new Date(row.publishedAt).toISOString(),
      sha256: row.sha256,
      summary: row.summary,
      templateVersion: row.templateVersion,
      sections: meta.sections,
      readability: {
        formula: meta.readability.formula,
        overall: meta.readability.overall.score,
        sections: Object.fromEntries(meta.readability.sections.map((s) => [s.id, s.score])),
      },
    });
  }
  const versions = await policyVersions(c.get('ctx'), site.id);
  const html = policyPage({
    site: { id: site.id, name: site.config.name },
    version: row.version,
    locale: row.locale,
    publishedAt: new Date(row.publishedAt),
    markdown: row.markdown,
    versions: versions.map((v) => ({ version: v.version, publishedAt: new Date(v.publishedAt), summary: v.summary })),
    scores: meta.readability,
    timeZone: site.config.timezone,
  });
  return c.body(html, 200, { ...pageHeaders, 'Cache-Control': immutable ? 'public, max-age=3600' : 'no-cache' });
}

export function policyRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/p/*', readableAnywhere());

  app.post('/v1/sites/:site/policies', async (c) => {
    const site = await requireSiteAccess(c, c.req.param('site'));
    const { summary } = await jsonBody(c, z.object({ summary: z.string().min(1).max(500) }));
    const published = await publishPolicy(c.get('ctx'), site, { summary, templates: policyTemplates });
    c.header('Location', `/p/${site.id}/${published.version}`);
    return c.json(published, 201);
  });

  app.get('/p/:site/versions', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const versions = await policyVersions(c.get('ctx'), site.id);
    c.header('Cache-Control', 'no-cache');
    // JSON stays the answer for clients that ask for nothing in particular; a browser (text/html first) reads a page.
    if (peopleOrJson(c, 'json') === 'json') return c.json({ site: site.id, versions });
    const html = versionsPage({
      site: { id: site.id, name: site.config.name },
      locale: pickLocale(c, site),
      versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt, summary: v.summary })),
      timeZone: site.config.timezone,
    });
    return c.body(html, 200, { ...pageHeaders, 'Cache-Control': 'no-cache' });
  });

  app.get('/p/:site/diff/:from/:to', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const locale = pickLocale(c, site);
    const [from, to] = await Promise.all(
      [c.req.param('from'), c.req.param('to')].map((v) =>
        policyVersion(c.get('ctx'), site.id, versionParam(v), locale),
      ),
    );
    c.header('Cache-Control', IMMUTABLE);
    if (peopleOrJson(c, 'html') === 'json') {
      return c.json({
        site: site.id,
        locale,
        from: from!.version,
        to: to!.version,
        changes: diffSections(parseSections(from!.markdown), parseSections(to!.markdown)),
      });
    }
    const html = diffPage({
      site: { id: site.id, name: site.config.name },
      locale,
      from: { version: from!.version, publishedAt: new Date(from!.publishedAt), markdown: from!.markdown },
      to: { version: to!.version, publishedAt: new Date(to!.publishedAt), markdown: to!.markdown },
      timeZone: site.config.timezone,
    });
    return c.body(html, 200, { ...pageHeaders, 'Cache-Control': IMMUTABLE });
  });

  app.get('/p/:site', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    return render(c, site, await policyVersion(c.get('ctx'), site.id, 'latest', pickLocale(c, site)), false);
  });

  app.get('/p/:site/:version', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const row = await policyVersion(c.get('ctx'), site.id, versionParam(c.req.param('version')), pickLocale(c, site));
    return render(c, site, row, true);
  });

  return app;
}
