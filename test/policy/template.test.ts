import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownToHtml } from '../../worker/policy/markdown.ts';
import {
  escapeMarkdown,
  parseSections,
  parseTitle,
  renderTemplate,
  TemplateError,
  templateTags,
} from '../../worker/policy/template.ts';

describe('logic-less renderer', () => {
  it('fills names, dotted names and the current item', () => {
    expect(renderTemplate('Hi {{a.b}} and {{c}}!', { a: { b: 'Ann' }, c: 'Bo' })).toBe('Hi Ann and Bo!');
    expect(renderTemplate('{{#xs}}[{{.}}]{{/xs}}', { xs: ['1', '2'] })).toBe('[1][2]');
  });

  it('renders sections for lists, objects and booleans, and inverted sections for empty or missing values', () => {
    const view = { list: [{ n: 'a' }, { n: 'b' }], obj: { n: 'o' }, yes: true, empty: [], top: 'T' };
    expect(renderTemplate('{{#list}}{{n}}{{top}};{{/list}}', view)).toBe('aT;bT;');
    expect(
      renderTemplate(
        '{{#obj}}{{n}}{{/obj}}{{#yes}}Y{{/yes}}{{#empty}}E{{/empty}}{{^empty}}none{{/empty}}{{^missing}}M{{/missing}}',
        view,
      ),
    ).toBe('oYnoneM');
  });

  it('tests an enum value: {{#basis.consent}} is true only when basis is "consent"', () => {
    const t = '{{#basis.consent}}C{{/basis.consent}}{{#basis.contract}}K{{/basis.contract}}';
    expect(renderTemplate(t, { basis: 'consent' })).toBe('C');
    expect(renderTemplate(t, { basis: 'contract' })).toBe('K');
  });

  it('drops lines that hold only a section tag', () => {
    const t = 'A\n{{#x}}\n- {{x}}\n{{/x}}\n{{^x}}\nnone\n{{/x}}\nB\n';
    expect(renderTemplate(t, { x: 'item' })).toBe('A\n- item\nB\n');
    expect(renderTemplate(t, {})).toBe('A\nnone\nB\n');
  });

  it('ignores comments and refuses broken templates', () => {
    expect(renderTemplate('a{{! note for lawyers }}b', {})).toBe('ab');
    expect(() => renderTemplate('{{#a}}x', {})).toThrow(TemplateError);
    expect(() => renderTemplate('{{#a}}x{{/b}}', {})).toThrow(/Unexpected/);
    expect(() => renderTemplate('{{a b}}', {})).toThrow(/Bad tag/);
    expect(() => renderTemplate('{{a}}', { a: { b: 1 } })).toThrow(/not a text value/);
  });

  it('lists tags with their enclosing sections', () => {
    expect(templateTags('{{#a}}{{b}}{{^c}}{{d}}{{/c}}{{/a}}')).toEqual([
      { name: 'a', scopes: [] },
      { name: 'b', scopes: ['a'] },
      { name: 'c', scopes: ['a'] },
      { name: 'd', scopes: ['a'] },
    ]);
  });

  it('escapes Markdown in values so a fact cannot add structure', () => {
    expect(escapeMarkdown('a_b *c* [x](y)\n## z <b>')).toBe('a\\_b \\*c\\* \\[x\\](y) \\#\\# z \\<b\\>');
    expect(escapeMarkdown('  - item')).toBe('\\- item');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('10 rue de la Paix')).toBe('10 rue de la Paix');
  });

  it('property: any value rendered at the start of a line leaves the sections and their titles as they were', () => {
    const t =
      '# T\n<!-- section: one; covers: art13-1a -->\n## One\n{{v}}\n<!-- section: two; covers: -->\n## Two\n{{v}}\n';
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('<', '>', '!', '-', '#', '\n', '[', ']', '(', ')', '*', '_', 'a', ' ', ':', ';', '\\'),
        }),
        (v) => {
          const sections = parseSections(renderTemplate(t, { v }));
          expect(sections.map((s) => [s.id, s.title, s.covers])).toEqual([
            ['one', 'One', ['art13-1a']],
            ['two', 'Two', []],
          ]);
          const html = markdownToHtml(sections[0]!.markdown);
          expect(html).not.toMatch(/<(?!\/?(h2|p)>)/);
        },
      ),
    );
  });
});

describe('section parser', () => {
  const md =
    '# Title\n\nIntro.\n\n<!-- section: who; covers: art13-1a art13-1b -->\n## Who we \\*are\\*\n\nUs.\n\n<!-- section: none; covers: -->\n## None\nText.\n';

  it('splits at markers, with id, plain title, covers and the Markdown body', () => {
    expect(parseSections(md)).toEqual([
      { id: 'who', title: 'Who we *are*', covers: ['art13-1a', 'art13-1b'], markdown: '## Who we \\*are\\*\n\nUs.\n' },
      { id: 'none', title: 'None', covers: [], markdown: '## None\nText.\n' },
    ]);
    expect(parseTitle(md)).toBe('Title');
  });

  it('refuses a section without heading and a duplicate id', () => {
    expect(() => parseSections('<!-- section: a; covers: -->\nno heading\n')).toThrow(/no heading/);
    expect(() => parseSections('<!-- section: a; covers: -->\n## A\n<!-- section: a; covers: -->\n## B\n')).toThrow(
      /Duplicate/,
    );
  });
});
