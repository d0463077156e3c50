// Calls out to URLs a site owner configured (SMS webhook, provider base URL): https to a public address only.
// The literal is checked when saved and before each call; where the runtime can resolve names, every address the
// name resolves to is checked too, and a redirect is a failure, never followed.
import { z } from 'zod';
import { AppError, type FieldError } from '../errors.ts';
import { isPublicAddress, isLoopbackAddress, isIpLiteral } from './addresses.ts';

/** Resolves a host name to every address it has (Node/Deno: node:dns lookup with all: true). */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface OutboundPolicy {
  /** Dev mode only (ASSENT_ALLOW_LOCAL_CALLBACKS=1): http(s)://127.0.0.1 and localhost are allowed. */
  allowLocal: boolean;
  /** Absent on runtimes that cannot resolve (Workers refuses private addresses itself). */
  resolve?: Resolver;
}

export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

// Names that never lead to a public host: loopback, mDNS, cloud-internal and home networks.
const LOCAL_SUFFIXES = ['localhost', 'local', 'internal', 'home.arpa', 'localdomain', 'lan', 'intranet'];

/** The host as written (before WHATWG normalises `0x7f000001` to `127.0.0.1`), lowercased, without port. */
function writtenHost(raw: string): string {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(raw.trim())?.[1] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  return host.startsWith('[')
    ? host.slice(0, host.indexOf(']') + 1).toLowerCase()
    : host.replace(/:\d*$/, '').toLowerCase();
}

/** True for the only local forms ASSENT_ALLOW_LOCAL_CALLBACKS opens: 127.0.0.1 and localhost, written so. */
function isLocalCallback(raw: string, url: URL): boolean {
  const host = writtenHost(raw);
  // Both as written and as parsed: `http://evil.example\@localhost` is written with "localhost" but goes to evil.
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    (host === '127.0.0.1' || host === 'localhost') &&
    url.hostname === host
  );
}

/**
 * Why a configured URL may not be called, or null when it may. `allowLocal` admits http(s)://127.0.0.1:* and
 * http(s)://localhost:* (written so; `0x7f000001` or `127.1` stay refused) and nothing else.
 */
export function outboundUrlProblem(raw: string, options: { allowLocal: boolean }): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL.';
  }
  if (url.username || url.password) return 'A URL with a user name or password is refused.';
  if (options.allowLocal && isLocalCallback(raw, url)) return null;
  if (url.protocol !== 'https:') return 'Only https: URLs are called.';
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (!host) return 'The URL has no host.';
  if (isIpLiteral(host)) return isPublicAddress(host) ? null : `${host} is not a public address.`;
  if (LOCAL_SUFFIXES.some((s) => host === s || host.endsWith(`.${s}`))) return `${host} is not a public host.`;
  if (!host.includes('.')) return 'The host must be a full domain name.';
  return null;
}

/** Throws OutboundRefusedError unless the URL is https to a public address (or local, when allowed). */
export function assertPublicHttpsUrl(raw: string, options: { allowLocal: boolean }): URL {
  const problem = outboundUrlProblem(raw, options);
  if (problem) throw new OutboundRefusedError(problem);
  return new URL(raw);
}

/**
 * The configuration's check, for a value saved now and served in any mode: public https, or one of the local
 * forms that only ASSENT_ALLOW_LOCAL_CALLBACKS=1 makes usable (checked against the operator's setting when saved,
 * see `localCallbackProblem`, and again at send time).
 */
export const outboundUrlSchema = z
  .string()
  .max(2048)
  .superRefine((value, ctx) => {
    const problem = outboundUrlProblem(value, { allowLocal: true });
    if (problem) ctx.addIssue({ code: 'custom', message: `Must be an https: URL to a public address. ${problem}` });
  });

/** For a value the schema accepted: refuses the local forms unless the operator allowed them. */
export function localCallbackProblem(raw: string, policy: Pick<OutboundPolicy, 'allowLocal'>): string | null {
  const problem = outboundUrlProblem(raw, { allowLocal: policy.allowLocal });
  return problem ? `Must be an https: URL to a public address. ${problem}` : null;
}

/**
 * A fetch for configured URLs: the literal is checked, the name is resolved (where a resolver is given) and every
 * address must be public, and redirects are refused. A refusal throws OutboundRefusedError before any byte is sent.
 */
/**
 * A configured base URL without its trailing slashes, read from the end (`url.replace(/\/+$/, '')` backtracks
 * quadratically on a long run of slashes that does not end the string).
 */
export function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url.charCodeAt(end - 1) === 0x2f) end--;
  return url.slice(0, end);
}

export function safeFetch(
  policy: OutboundPolicy,
  doFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): typeof fetch {
  return async function guardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const url = assertPublicHttpsUrl(raw, policy);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const local = policy.allowLocal && isLocalCallback(raw, url);
    if (!isIpLiteral(host) && policy.resolve) {
      // A name that does not exist is refused (for good); one that cannot be resolved right now (a DNS timeout, a
      // resolver down: EAI_AGAIN and the like) is a network failure, retried with backoff like any other.
      let addresses: string[];
      try {
        addresses = await policy.resolve(host);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'ENOTFOUND')
          throw new OutboundRefusedError(`${host} did not resolve.`);
        throw new TypeError(`${host} could not be resolved now.`, { cause: error });
      }
      if (addresses.length === 0) throw new OutboundRefusedError(`${host} did not resolve.`);
      const bad = addresses.find((a) => !(local ? isLoopbackAddress(a) : isPublicAddress(a)));
      if (bad) throw new OutboundRefusedError(`${host} resolves to ${bad}, which is not a public address.`);
    }
    const response = await doFetch(url.href, { ...init, redirect: 'manual' });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => {});
      throw new OutboundRefusedError(
        `The server answered a redirect (HTTP ${response.status}); redirects are not followed.`,
      );
    }
    return response;
  };
}

/**
 * At save time (PUT/POST of a site): the SMS URLs the schema let through must also suit this server's setting —
 * a local callback needs ASSENT_ALLOW_LOCAL_CALLBACKS=1 in dev mode. 422 naming the field otherwise.
 */
export function assertSmsUrls(sms: object, policy: OutboundPolicy = { allowLocal: false }, prefix?: string): void {
  const errors: FieldError[] = [];
  for (const key of ['url', 'apiBaseUrl'] as const) {
    const value = (sms as Record<string, unknown>)[key];
    const problem = typeof value === 'string' ? localCallbackProblem(value, policy) : null;
    if (problem) errors.push({ path: [prefix, 'sms', key].filter(Boolean).join('.'), message: problem });
  }
  if (errors.length > 0) {
    throw new AppError('validation_failed', 422, `Invalid value for: ${errors.map((e) => e.path).join(', ')}.`, {
      errors,
    });
  }
}
