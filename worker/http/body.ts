// Request bodies and query strings read at the boundary: JSON with a depth limit, validated with zod; a wrong shape
// is a 422 naming each field.
import { z } from 'zod';
import { AppError, malformedJson, validationError } from '../errors.ts';
import type { AppContext } from './context.ts';

/** No API body nests this deep; refusing deeper ones keeps recursive code (validation, cloning) off the stack limit. */
export const MAX_JSON_DEPTH = 32;

/** The deepest bracket nesting of a JSON text, brackets inside strings ignored (one pass, no parsing). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) max = Math.max(max, ++depth);
    else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

/** A Content-Type a JSON body may carry: application/json or application/…+json, parameters allowed. */
export const isJsonType = (type: string | undefined) => /^application\/(.+\+)?json\b/i.test(type ?? '');

const notJson = () =>
  new AppError('unsupported_media_type', 415, 'Send a JSON body with Content-Type: application/json.', {
    errors: [{ path: '(body)', message: 'Content-Type must be application/json.' }],
  });

/** Reads a JSON body and validates it; malformed JSON is a 400, a wrong shape a 422 naming each field. */
export async function jsonBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  if (!isJsonType(c.req.header('content-type'))) throw notJson();
  return validate(schema, parseJson(await c.req.text()));
}

/**
 * A JSON body a client may leave out (a POST that needs nothing said): no body at all reads as `{}`; a body that is
 * sent is read as jsonBody reads it, so `{` is a 400 and a field the schema does not take a 422, never ignored.
 */
export async function optionalJsonBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (text === '') return validate(schema, {});
  if (!isJsonType(c.req.header('content-type'))) throw notJson();
  return validate(schema, parseJson(text));
}

/** A JSON text read as a value: too deep or not JSON is a 400 (whatever carried it: a plain or a signed body). */
export function parseJson(text: string): unknown {
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new AppError('json_too_deep', 400, `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels.`, {
      errors: [{ path: '(body)', message: `Nesting deeper than ${MAX_JSON_DEPTH} arrays or objects.` }],
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw malformedJson();
  }
}

/** A value checked against a wire schema; a wrong shape is a 422 naming each field. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  unknownKey?: (key: string) => string,
): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, '', unknownKey);
  return parsed.data;
}

/** A 422 naming one field (for checks zod cannot express at the boundary). */
export function validationErrorFor(path: string, message: string): AppError {
  return new AppError('validation_failed', 422, `Invalid value for: ${path}.`, { errors: [{ path, message }] });
}

/**
 * A whole number in a query string, written in decimal digits only: `z.coerce.number()` would read an empty value
 * as 0, `1e3` as 1000 and `0x10` as 16, and a missing one as "NaN".
 */
export const wholeNumber = z
  .string({ error: 'Required: a whole number, in decimal digits.' })
  .regex(/^(0|[1-9]\d{0,14})$/, 'A whole number, in decimal digits.')
  .transform(Number);

/** The query of a list route that takes no parameter: any is a 422 naming it. */
export const noQuery = z.strictObject({});

/**
 * A query string checked against its schema; with a strict one (every list route's), a parameter it does not take
 * is a 422 naming it rather than ignored, so a typo or a filter the route lacks never answers the whole list.
 */
export function queryParams<S extends z.ZodType>(c: AppContext, schema: S): z.infer<S> {
  const site = c.req.param('site');
  return validate(schema, c.req.query(), (name) =>
    name === 'phone'
      ? `A phone number never goes in a URL: send it in the body of POST /v1/sites/${site ?? '{site}'}/subscribers/lookup.`
      : 'Unknown query parameter: remove it or check its spelling.',
  );
}
