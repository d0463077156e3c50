// A small logic-less (Mustache subset) renderer for policy templates, and the parser that splits the rendered
// Markdown into sections by their `<!-- section: ID; covers: … -->` markers.
//
// Supported tags: {{name}}, {{a.b}}, {{.}}, {{#name}}…{{/name}}, {{^name}}…{{/name}}, {{! comment }}.
// One extension for enum facts: {{#legalBasis.consent}} is true when `legalBasis` equals "consent", so the
// wording for each value stays in the template where a lawyer can edit it.
//
// Output is Markdown, so values are never HTML-escaped (the HTML renderer escapes everything). Values are
// Markdown-escaped instead: newlines collapse to spaces, \ ` * _ [ ] < > # and a leading list marker get a
// backslash, so a fact cannot add a heading, a list, a link, raw HTML or a fake section marker to a policy.

export type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'section'; name: string; inverted: boolean; children: TemplateNode[] };

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const TAG = /\{\{\s*([#^/!]?)\s*([^}]*?)\s*\}\}/g;

/** Removes lines that hold only a section/comment tag, as Mustache does, so templates can put tags on their own line. */
function dropStandaloneLines(template: string): string {
  return template.replace(/^[ \t]*(\{\{\s*[#^/!][^}]*\}\})[ \t]*\r?\n/gm, '$1');
}

export function parseTemplate(template: string): TemplateNode[] {
  const source = dropStandaloneLines(template);
  const root: TemplateNode[] = [];
  const stack: { name: string; children: TemplateNode[] }[] = [{ name: '', children: root }];
  let last = 0;
  for (const match of source.matchAll(TAG)) {
    const [whole, sigil, name] = match as unknown as [string, string, string];
    const top = stack[stack.length - 1]!;
    if (match.index > last) top.children.push({ kind: 'text', text: source.slice(last, match.index) });
    last = match.index + whole.length;
    if (sigil === '!') continue;
    if (!/^(\.|[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*)$/.test(name)) throw new TemplateError(`Bad tag name "${name}".`);
    if (sigil === '#' || sigil === '^') {
      const node: TemplateNode = { kind: 'section', name, inverted: sigil === '^', children: [] };
      top.children.push(node);
      stack.push({ name, children: node.children });
    } else if (sigil === '/') {
      if (stack.length === 1 || top.name !== name) throw new TemplateError(`Unexpected {{/${name}}}.`);
      stack.pop();
    } else {
      top.children.push({ kind: 'var', name });
    }
  }
  if (stack.length > 1) throw new TemplateError(`Unclosed section {{#${stack[stack.length - 1]!.name}}}.`);
  if (last < source.length) root.push({ kind: 'text', text: source.slice(last) });
  return root;
}

/** Every tag name with the section names that enclose it, for checking templates against the facts schema. */
export function templateTags(template: string): { name: string; scopes: string[] }[] {
  const out: { name: string; scopes: string[] }[] = [];
  const walk = (nodes: TemplateNode[], scopes: string[]) => {
    for (const node of nodes) {
      if (node.kind === 'var') out.push({ name: node.name, scopes });
      if (node.kind === 'section') {
        out.push({ name: node.name, scopes });
        walk(node.children, node.inverted ? scopes : [...scopes, node.name]);
      }
    }
  };
  walk(parseTemplate(template), []);
  return out;
}

export function escapeMarkdown(value: string): string {
  return value
    .trim()
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/[\\`*_[\]<>#]/g, (c) => `\\${c}`)
    .replace(/^([-+])(?=\s|$)|^(\d+)([.)])(?=\s|$)/, (_m, bullet?: string, n?: string, mark?: string) =>
      bullet ? `\\${bullet}` : `${n}\\${mark}`,
    ); // a value at the start of a line must not open a list
}

function step(value: unknown, key: string): unknown {
  if (typeof value === 'string') return value === key; // the enum test
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, key))
    return (value as Record<string, unknown>)[key];
  return undefined;
}

function lookup(stack: unknown[], name: string): unknown {
  if (name === '.') return stack[stack.length - 1];
  const [head, ...rest] = name.split('.') as [string, ...string[]];
  // Like Mustache, the first segment is searched from the innermost context outwards.
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx !== null && typeof ctx === 'object' && !Array.isArray(ctx) && Object.hasOwn(ctx, head)) {
      return rest.reduce(step, (ctx as Record<string, unknown>)[head]);
    }
  }
  return undefined;
}

function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

function renderNodes(nodes: TemplateNode[], stack: unknown[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'var') {
      const value = lookup(stack, node.name);
      if (value === undefined || value === null || value === false) continue;
      if (typeof value === 'object') throw new TemplateError(`{{${node.name}}} is not a text value.`);
      out += escapeMarkdown(String(value));
    } else {
      const value = lookup(stack, node.name);
      if (node.inverted) {
        if (!truthy(value)) out += renderNodes(node.children, stack);
      } else if (Array.isArray(value)) {
        for (const item of value) out += renderNodes(node.children, [...stack, item]);
      } else if (truthy(value)) {
        out += renderNodes(node.children, typeof value === 'object' ? [...stack, value] : stack);
      }
    }
  }
  return out;
}

export function renderTemplate(template: string, view: unknown): string {
  return renderNodes(parseTemplate(template), [view]);
}

export interface PolicySection {
  id: string;
  title: string;
  covers: string[];
  markdown: string;
}

/** Heading text without Markdown escapes or emphasis marks, for JSON and tables of contents. */
export function plainHeading(heading: string): string {
  return heading.replace(/\\(.)|[*_]+/g, (_m, c: string | undefined) => c ?? '').trim();
}

const MARKER = /^<!--\s*section:\s*([a-z0-9-]+)\s*;\s*covers:\s*([^>]*?)\s*-->[ \t]*$/;

/**
 * Splits rendered Markdown at section markers. A section's Markdown runs from the line after its marker to the
 * next marker; its title is its first heading. Text before the first marker (the document title) is not a section.
 */
export function parseSections(markdown: string): PolicySection[] {
  const sections: PolicySection[] = [];
  let current: { id: string; covers: string[]; lines: string[] } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.lines.join('\n').trim();
    const heading = /^#{1,6}[ \t]+(.+)$/m.exec(body);
    if (!heading) throw new TemplateError(`Section "${current.id}" has no heading.`);
    sections.push({ id: current.id, title: plainHeading(heading[1]!), covers: current.covers, markdown: `${body}\n` });
  };
  for (const line of markdown.split('\n')) {
    const marker = MARKER.exec(line);
    if (marker) {
      flush();
      const id = marker[1]!;
      if (sections.some((s) => s.id === id)) throw new TemplateError(`Duplicate section "${id}".`);
      current = { id, covers: marker[2]!.split(/[\s,]+/).filter(Boolean), lines: [] };
    } else current?.lines.push(line);
  }
  flush();
  return sections;
}

/** The document title: the first level-1 heading before any section. */
export function parseTitle(markdown: string): string | undefined {
  const head = markdown.split(/^<!--\s*section:/m)[0] ?? '';
  const title = /^#[ \t]+(.+)$/m.exec(head)?.[1];
  return title === undefined ? undefined : plainHeading(title);
}
