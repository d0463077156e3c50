// A form generated from a JSON Schema (the facts' zod schema turned into JSON Schema in the browser): objects become
// fieldsets, arrays lists with Add/Remove, unions a choice of branches, per-locale texts one input per locale,
// enums selects. Empty inputs remove their key, so a missing answer is reported as missing.
import type { ComponentChildren } from 'preact';
import { labelOf } from './policy-labels.ts';
import { localeName } from './locale-name.ts';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: string[];
  const?: unknown;
  format?: string;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  description?: string;
}

export interface FormContext {
  lang: string;
  locales: string[];
  errors: Map<string, string>;
  t: { optional: string; add: string; remove: string; choose: string; perLocale: string };
  set(path: (string | number)[], value: unknown): void;
}

type Path = (string | number)[];
const idOf = (path: Path) => `f-${path.join('-')}`;
const keyOf = (path: Path) => ['policy', ...path].join('.');
const isLocalized = (s: JsonSchema) =>
  s.anyOf?.length === 2 &&
  s.anyOf.some((b) => b.type === 'string') &&
  s.anyOf.some((b) => b.type === 'object' && typeof b.additionalProperties === 'object');

/**
 * The value a branch or a new list item starts with: its required constants set (`none: true`), nothing else
 * invented. An optional constant is a choice the form does not offer: a new purpose is not an existing-customer one.
 */
export function initial(s: JsonSchema): unknown {
  if (s.type === 'array') return [];
  if (s.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {}))
      if (p.const !== undefined && (s.required ?? []).includes(k)) out[k] = p.const;
    return out;
  }
  return undefined;
}

function branchMatches(s: JsonSchema, value: unknown): boolean {
  if (s.type === 'array') return Array.isArray(value);
  if (s.type === 'object') {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.entries(s.properties ?? {}).every(
      ([k, p]) => p.const === undefined || (value as Record<string, unknown>)[k] === p.const,
    );
  }
  return typeof value === s.type;
}

function branchLabel(s: JsonSchema, lang: string): string {
  const props = Object.entries(s.properties ?? {});
  if (props.some(([k, p]) => k === 'none' && p.const === true)) return labelOf('none', lang);
  if (s.type === 'array') return lang === 'fr' ? 'Oui, une liste' : 'Yes, a list';
  return props.map(([k]) => labelOf(k, lang)).join(', ');
}

function ErrorText(props: { ctx: FormContext; path: Path }) {
  const message = props.ctx.errors.get(keyOf(props.path));
  return message ? (
    <span class="bad" id={`e-${idOf(props.path)}`}>
      {message}
    </span>
  ) : null;
}

const described = (ctx: FormContext, path: Path): { 'aria-describedby'?: string; 'aria-invalid'?: boolean } =>
  ctx.errors.has(keyOf(path)) ? { 'aria-describedby': `e-${idOf(path)}`, 'aria-invalid': true } : {};

export function Field(props: {
  s: JsonSchema;
  path: Path;
  value: unknown;
  required: boolean;
  ctx: FormContext;
}): ComponentChildren {
  const { s, path, value, required, ctx } = props;
  const key = String(path[path.length - 1] ?? '');
  const label = `${typeof path[path.length - 1] === 'number' ? `#${Number(key) + 1}` : labelOf(key, ctx.lang)}${required ? '' : ` ${ctx.t.optional}`}`;
  const id = idOf(path);
  if (s.const !== undefined) return null;
  if (isLocalized(s)) {
    const map =
      typeof value === 'string'
        ? Object.fromEntries(ctx.locales.map((l) => [l, value]))
        : ((value ?? {}) as Record<string, string>);
    return (
      <fieldset data-path={keyOf(path)}>
        <legend>{label}</legend>
        {ctx.locales.map((locale) => (
          <>
            <label for={`${id}-${locale}`}>{ctx.t.perLocale.replace('{locale}', localeName(locale, ctx.lang))}</label>
            <input
              id={`${id}-${locale}`}
              lang={locale}
              value={map[locale] ?? ''}
              {...described(ctx, path)}
              onInput={(e) => {
                const next = { ...map, [locale]: (e.target as HTMLInputElement).value };
                const kept = Object.fromEntries(Object.entries(next).filter(([, v]) => v.trim() !== ''));
                ctx.set(path, Object.keys(kept).length ? kept : undefined);
              }}
            />
          </>
        ))}
        <ErrorText ctx={ctx} path={path} />
      </fieldset>
    );
  }
  if (s.anyOf) {
    const chosen = s.anyOf.findIndex((b) => branchMatches(b, value));
    return (
      <fieldset data-path={keyOf(path)}>
        <legend>{label}</legend>
        {s.anyOf.map((b, i) => (
          <div>
            <input
              type="radio"
              id={`${id}-b${i}`}
              name={id}
              checked={i === chosen}
              onChange={() => ctx.set(path, initial(b))}
            />{' '}
            <label for={`${id}-b${i}`} style="display:inline">
              {branchLabel(b, ctx.lang)}
            </label>
          </div>
        ))}
        <ErrorText ctx={ctx} path={path} />
        {chosen >= 0 ? <Inner s={s.anyOf[chosen]!} path={path} value={value} ctx={ctx} /> : null}
      </fieldset>
    );
  }
  if (s.type === 'object' || s.type === 'array') {
    return (
      <fieldset data-path={keyOf(path)}>
        <legend>{label}</legend>
        <ErrorText ctx={ctx} path={path} />
        <Inner s={s} path={path} value={value} ctx={ctx} />
      </fieldset>
    );
  }
  const set = (v: unknown) => ctx.set(path, v === '' ? undefined : v);
  let input: ComponentChildren;
  if (s.enum) {
    input = (
      <select id={id} {...described(ctx, path)} onChange={(e) => set((e.target as HTMLSelectElement).value)}>
        <option value="" selected={value === undefined}>
          {ctx.t.choose}
        </option>
        {s.enum.map((v) => (
          <option value={v} selected={v === value}>
            {labelOf(v, ctx.lang)}
          </option>
        ))}
      </select>
    );
  } else if (s.type === 'boolean') {
    input = (
      <input
        type="checkbox"
        id={id}
        checked={value === true}
        onChange={(e) => set((e.target as HTMLInputElement).checked)}
      />
    );
  } else if (s.type === 'number' || s.type === 'integer') {
    input = (
      <input
        type="number"
        id={id}
        value={value === undefined ? '' : String(value)}
        {...described(ctx, path)}
        onInput={(e) =>
          set((e.target as HTMLInputElement).value === '' ? '' : Number((e.target as HTMLInputElement).value))
        }
      />
    );
  } else {
    const type = s.format === 'email' ? 'email' : s.format === 'uri' ? 'url' : 'text';
    input = (
      <input
        type={type as 'text'}
        id={id}
        value={typeof value === 'string' ? value : ''}
        {...described(ctx, path)}
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    );
  }
  return (
    <div data-path={keyOf(path)}>
      <label for={id}>{label}</label>
      {input}
      <ErrorText ctx={ctx} path={path} />
    </div>
  );
}

/** The inside of an object (its properties) or an array (its items, with Add and Remove). */
function Inner(props: { s: JsonSchema; path: Path; value: unknown; ctx: FormContext }): ComponentChildren {
  const { s, path, value, ctx } = props;
  if (s.type === 'array' && s.items) {
    const list = Array.isArray(value) ? value : [];
    return (
      <>
        {list.map((item, i) => (
          <div>
            <Field s={s.items!} path={[...path, i]} value={item} required ctx={ctx} />
            <button
              type="button"
              class="secondary"
              onClick={() =>
                ctx.set(
                  path,
                  list.filter((_, j) => j !== i),
                )
              }
            >
              {ctx.t.remove} #{i + 1}
            </button>
          </div>
        ))}
        <button type="button" class="secondary" onClick={() => ctx.set(path, [...list, initial(s.items!)])}>
          {ctx.t.add}
        </button>
      </>
    );
  }
  const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return (
    <>
      {Object.entries(s.properties ?? {}).map(([k, p]) => (
        <Field s={p} path={[...path, k]} value={obj[k]} required={(s.required ?? []).includes(k)} ctx={ctx} />
      ))}
    </>
  );
}

export function setIn(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...root] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const obj = {
    ...((root && typeof root === 'object' && !Array.isArray(root) ? root : {}) as Record<string, unknown>),
  };
  const next = setIn(obj[head!], rest, value);
  if (next === undefined) delete obj[head!];
  else obj[head!] = next;
  return obj;
}
