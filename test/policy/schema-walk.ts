// Resolves template tag names against zod schemas, following Mustache's context stack, so a test can prove
// that every placeholder names a real fact.
import type { z } from 'zod';
import { localizedText } from '../../worker/policy/facts.ts';

type Schema = z.ZodType;
const def = (s: Schema) => (s as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;

/** The concrete shapes a value of this schema can take (wrappers removed, unions spread). */
export function candidates(schema: Schema): Schema[] {
  if (schema === (localizedText as unknown as Schema)) return [schema];
  const d = def(schema);
  switch (d.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'prefault':
      return candidates(d.innerType as Schema);
    case 'pipe':
      return candidates(d.in as Schema);
    case 'union':
      return (d.options as Schema[]).flatMap(candidates);
    default:
      return [schema];
  }
}

const isLeaf = (s: Schema) => s === (localizedText as unknown as Schema) || !['object', 'array'].includes(def(s).type);

function child(schema: Schema, key: string): Schema[] {
  if (schema === (localizedText as unknown as Schema)) return [];
  const d = def(schema);
  if (d.type === 'object') {
    const shape = d.shape as Record<string, Schema>;
    return Object.hasOwn(shape, key) ? candidates(shape[key]!) : [];
  }
  // The enum test: {{#legalBasis.consent}} is a boolean when "consent" is one of the values.
  if (d.type === 'enum') return Object.hasOwn(d.entries as object, key) ? [schema] : [];
  return [];
}

export type Frame = Schema[];

/** The schemas a tag name can resolve to, or [] when it names nothing. */
export function resolve(stack: Frame[], name: string): Schema[] {
  if (name === '.') return stack[stack.length - 1] ?? [];
  const [head, ...rest] = name.split('.') as [string, ...string[]];
  for (let i = stack.length - 1; i >= 0; i--) {
    let found = stack[i]!.flatMap((s) => child(s, head));
    if (found.length === 0) continue;
    for (const key of rest) found = found.flatMap((s) => child(s, key));
    return found;
  }
  return [];
}

/** The frame a section pushes: array elements or the object itself; booleans and strings push nothing. */
export function sectionFrame(resolved: Schema[]): Frame | undefined {
  const frame = resolved.flatMap((s) => {
    const d = def(s);
    if (d.type === 'array') return candidates(d.element as Schema);
    if (d.type === 'object') return [s];
    return [];
  });
  return frame.length ? frame : undefined;
}

export { isLeaf };

/** A place in the facts schema: its path (array items as `0`), whether it may be left out, and what it holds. */
export interface FactNode {
  path: string[];
  optional: boolean;
  kind: 'object' | 'array' | 'text' | 'choice';
  /** For text: the string format the schema checks (a placeholder must still pass it to reach the check). */
  format?: 'email' | 'url' | 'id' | 'code' | 'plain';
}

function formatOf(schema: Schema): FactNode['format'] {
  const d = def(schema) as { format?: string; checks?: { _zod: { def: { format?: string; pattern?: RegExp } } }[] };
  const formats = [d.format, ...(d.checks ?? []).map((c) => c._zod.def.format)].filter(Boolean);
  if (formats.includes('email')) return 'email';
  if (formats.includes('url')) return 'url';
  const pattern = (d.checks ?? []).map((c) => c._zod.def.pattern).find(Boolean);
  if (pattern?.source.startsWith('^[a-z]')) return 'id';
  if (pattern) return 'code';
  return 'plain';
}

/** Every node of a facts schema, through objects, array items and every branch of a union (localized text is one leaf). */
export function factNodes(schema: Schema, path: string[] = [], optional = false): FactNode[] {
  const d = def(schema);
  if (schema === (localizedText as unknown as Schema)) return [{ path, optional, kind: 'text', format: 'plain' }];
  switch (d.type) {
    case 'optional':
    case 'default':
      return factNodes(d.innerType as Schema, path, true);
    case 'union':
      return (d.options as Schema[])
        .flatMap((o) => factNodes(o, path, optional))
        .filter(
          (n, i, all) => n.path.length > path.length || all.findIndex((m) => m.path.length === path.length) === i,
        );
    case 'object': {
      const shape = d.shape as Record<string, Schema>;
      const here: FactNode[] = path.length ? [{ path, optional, kind: 'object' }] : [];
      return [...here, ...Object.entries(shape).flatMap(([key, s]) => factNodes(s, [...path, key]))];
    }
    case 'array':
      return [{ path, optional, kind: 'array' }, ...factNodes(d.element as Schema, [...path, '0'])];
    case 'string':
      return [{ path, optional, kind: 'text', format: formatOf(schema) }];
    default:
      return [{ path, optional, kind: 'choice' }];
  }
}
