// HTTP helpers shared by routes: typed app environment, JSON body parsing with zod, bearer auth.
import type { Context } from 'hono';
import type { z } from 'zod';
import type { AppDeps } from './deps.ts';
import type { DomainContext } from './domain/context.ts';
import { loadSite, siteForKeyHash, type Site } from './domain/sites.ts';
import { AppError, malformedJson, unauthorized, forbidden, validationError } from './errors.ts';
import { sha256Hex, timingSafeEqual } from './crypto/tokens.ts';

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    ctx: DomainContext;
  };
}
export type AppContext = Context<AppEnv>;

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
      if (ch === 92) i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 || ch === 123) max = Math.max(max, ++depth);
    else if (ch === 93 || ch === 125) depth--;
  }
  return max;
}

/** Reads a JSON body and validates it; malformed JSON is a 400, a wrong shape a 422 naming each field. */
export async function jsonBody<S extends z.ZodType>(c: AppContext, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError('unsupported_media_type', 415, 'Send a JSON body with Content-Type: application/json.', {
      errors: [{ path: '(body)', message: 'Content-Type must be application/json.' }],
    });
  }
  return validate(schema, parseJson(await c.req.text()));
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
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/** A 422 naming one field (for checks zod cannot express at the boundary). */
export function validationErrorFor(path: string, message: string): AppError {
  return new AppError('validation_failed', 422, `Invalid value for: ${path}.`, { errors: [{ path, message }] });
}

export function queryParams<S extends z.ZodType>(c: AppContext, schema: S): z.infer<S> {
  return validate(schema, c.req.query());
}

function bearer(c: AppContext): string | null {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

// SHA-256 of the configured admin token, computed once per token.
const adminHashes = new Map<string, Promise<string>>();
const adminHash = (token: string) => {
  let hash = adminHashes.get(token);
  if (!hash) adminHashes.set(token, (hash = sha256Hex(token)));
  return hash;
};

async function isAdminHash(c: AppContext, tokenHash: string): Promise<boolean> {
  const admin = c.var.deps.adminToken;
  return Boolean(admin) && timingSafeEqual(tokenHash, await adminHash(admin!));
}

export async function isPlatformAdmin(c: AppContext): Promise<boolean> {
  const token = bearer(c);
  return token ? isAdminHash(c, await sha256Hex(token)) : false;
}

export async function requirePlatformAdmin(c: AppContext): Promise<void> {
  if (!bearer(c)) throw unauthorized();
  if (!(await isPlatformAdmin(c))) throw forbidden('This needs the platform admin token.');
}

// Hashes of recently presented bearer tokens: a site sending many gate checks presents the same key each time.
const presented = new Map<string, Promise<string>>();
function tokenHashOf(token: string): Promise<string> {
  let hash = presented.get(token);
  if (!hash) {
    if (presented.size >= 1000) presented.clear();
    presented.set(token, (hash = sha256Hex(token)));
  }
  return hash;
}

/** The site named in the path, if the caller holds its key or the platform admin token. */
export async function requireSiteAccess(c: AppContext, siteId: string): Promise<Site> {
  const token = bearer(c);
  if (!token) throw unauthorized();
  const tokenHash = await tokenHashOf(token);
  if (!(await isAdminHash(c, tokenHash))) {
    const owner = await siteForKeyHash(c.var.ctx, tokenHash);
    if (!owner || !timingSafeEqual(owner, siteId)) throw forbidden('This key does not give access to this site.');
  }
  return loadSite(c.var.ctx, siteId);
}

export function clientIp(c: AppContext): string | undefined {
  return c.var.deps.clientIp?.(c) ?? undefined;
}
