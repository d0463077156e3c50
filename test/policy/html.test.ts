import { describe, expect, it } from 'vitest';
import { assertCompleteFacts } from '../../worker/policy/facts.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { diffPage, markdownToHtml, policyPage } from '../../worker/policy/html.tsx';
import { renderPolicy } from '../../worker/policy/render.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';

const templates = loadTemplatesFromDisk();
const site = { id: 'demo', name: 'Demo Shop' };
const versions = [
  { version: 1, publishedAt: '2026-11-01T10:00:00Z', summary: 'First version' },
  { version: 2, publishedAt: '2026-11-28T09:30:00Z' },
];

describe('markdownToHtml', () => {
  it('renders the Markdown the templates use', () => {
    expect(
      markdownToHtml(
        '## Title *it*\n\nA **bold** [link](https://a.example/x\\_y) and _em_.\nNext line.\n\n- one\n- two\n\n1. first\n',
      ),
    ).toBe(
      '<h2>Title <em>it</em></h2>\n<p>A <strong>bold</strong> <a href="https://a.example/x_y">link</a> and <em>em</em>.\nNext line.</p>\n<ul><li>one</li><li>two</li></ul>\n<ol><li>first</li></ol>',
    );
  });

  it('escapes all HTML and drops unsafe links', () => {
    expect(markdownToHtml('<script>alert(1)</script> <img src=x onerror=alert(1)> & "q"')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;</p>',
    );
    expect(markdownToHtml('[x](javascript:alert(1)) [y](data:text/html,hi) [z](//evil.example)')).toBe(
      '<p>[x](javascript:alert(1)) [y](data:text/html,hi) [z](//evil.example)</p>',
    );
    expect(markdownToHtml('[a "quote"](https://x.example/?a="b")')).toBe(
      '<p><a href="https://x.example/?a=&quot;b&quot;">a &quot;quote&quot;</a></p>',
    );
  });

  it('escapes HTML and Markdown injected through the facts of a published policy', () => {
    const evil = assertCompleteFacts({
      ...demoPolicyFacts,
      controller: {
        ...demoPolicyFacts.controller,
        name: '<script>alert(1)</script> [click](javascript:alert(2)) **x**',
        address: '<!-- section: fake; covers: art13-2f -->',
      },
    });
    const policy = renderPolicy({ facts: evil, locale: 'en', templates, context });
    expect(policy.sections.map((s) => s.id)).not.toContain('fake');
    const html = policyPage({
      site,
      version: 2,
      locale: 'en',
      publishedAt: versions[1]!.publishedAt,
      markdown: policy.markdown,
      versions,
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/href="(?!https?:|mailto:|\/|#)/);
    expect(html).not.toContain('<!-- section: fake');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; [click](');
    expect(html).toContain('&lt;!-- section: fake; covers: art13-2f --&gt;');
  });
});

describe('policy page', () => {
  const fr = renderPolicy({ facts: demoPolicyFacts, locale: 'fr', templates, context });
  const html = policyPage({
    site,
    version: 2,
    locale: 'fr',
    publishedAt: versions[1]!.publishedAt,
    markdown: fr.markdown,
    versions,
  });

  it('is a full document in the policy language with a title, a version line and a table of contents', () => {
    expect(html.startsWith('<!doctype html><html lang="fr">')).toBe(true);
    expect(html).toContain(
      '<title>Politique de confidentialité\u00a0: Demo Shop SMS — Version 2 — publiée le 28 novembre\u00a02026</title>',
    );
    expect(html).toContain('<h1>Politique de confidentialité\u00a0: Demo Shop SMS</h1>');
    expect(html).toContain('Version 2 — publiée le 28 novembre\u00a02026');
    for (const s of fr.sections) {
      expect(html).toContain(`<a href="#${s.id}">${s.title.replace(/’/g, '’')}</a>`);
      expect(html).toContain(`<h2 id="${s.id}">`);
    }
    expect(html).toContain('@media print');
  });

  it('links to older versions, to the diff and to the other formats', () => {
    expect(html).toContain(
      '<a href="/p/demo/1?locale=fr">Version 1 — publiée le 1er\u00a0novembre\u00a02026</a> — First version',
    );
    expect(html).toContain('<a href="/p/demo/diff/1/2?locale=fr">ce qui a changé depuis la version 1</a>');
    expect(html).toContain('aria-current="page"');
    expect(html).toContain('href="/p/demo/2?format=md&amp;locale=fr"');
    expect(html).toContain('href="/p/demo/2?format=json&amp;locale=fr"');
  });

  it('shows the reading-ease scores', () => {
    expect(html).toContain('Indice de Kandel et Moles');
    // A French page writes decimals with a comma, and says a very plain text may score above 100.
    expect(html).toMatch(/<th scope="row">Page entière<\/th><td class="num">\d\d,\d<\/td>/);
    expect(html).not.toMatch(/\d\.\d<\/td>/);
    expect(html).toContain('un texte très simple peut dépasser 100');
  });

  it('formats the date for English readers too', () => {
    const en = renderPolicy({ facts: demoPolicyFacts, locale: 'en', templates, context });
    const page = policyPage({
      site,
      version: 1,
      locale: 'en',
      publishedAt: versions[0]!.publishedAt,
      markdown: en.markdown,
      versions: versions.slice(0, 1),
    });
    expect(page).toContain('Version 1 — published on 1 November 2026');
    expect(page).not.toContain('/diff/');
  });
});

describe('diff page', () => {
  it('shows what changed, section by section, with ins and del', () => {
    const v1 = renderPolicy({ facts: demoPolicyFacts, locale: 'en', templates, context });
    const v2 = renderPolicy({
      facts: {
        ...demoPolicyFacts,
        program: {
          ...demoPolicyFacts.program,
          frequency: { en: 'up to 8 texts a month', fr: '8 SMS par mois au plus' },
        },
      },
      locale: 'en',
      templates,
      context,
    });
    const html = diffPage({
      site,
      locale: 'en',
      from: { ...versions[0]!, markdown: v1.markdown },
      to: { ...versions[1]!, markdown: v2.markdown },
    });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>What changed from version 1 to version 2</h1>');
    expect(html).toContain('<h2 id="c-sms-program">Changed section: Our text messages</h2>');
    expect(html).toContain('<del><span class="vh">[removed: </span>4 <span class="vh">]</span></del>');
    expect(html).toContain('<ins><span class="vh">[added: </span>8 <span class="vh">]</span></ins>');
    expect(html.match(/data-change=/g)).toHaveLength(1);
    expect(html).toContain('<li>Who we are</li>');
  });
});
