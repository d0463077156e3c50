// Talks to the Assent server: posts a choice and turns an RFC 9457 problem into the short code the widget has a
// text for.
import type { WidgetErrorCode } from './types.ts';

export interface ConsentRequest {
  /** Empty for a "no". */
  phone: string;
  country?: string;
  choice: 'yes' | 'no';
  locale: string;
  textSha256: string;
  policyVersion: number;
  pageUrl?: string;
}

export type ConsentResult =
  | { ok: true; consentId?: string; proofUrl?: string; maskedPhone?: string }
  | { ok: false; code: WidgetErrorCode; field?: string };

export async function postConsent(url: string, body: ConsentRequest): Promise<ConsentResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = res.status === 204 ? {} : await res.json().catch(() => ({}));
    return res.ok ? { ok: true, ...json } : { ok: false, ...problemCode(res.status, json) };
  } catch {
    return { ok: false, code: 'network' };
  }
}

/**
 * Maps a problem body to a widget error code. A generic validation failure on `phone` reads as "invalid_phone";
 * specific codes (country_not_allowed…) stay, with the field kept so the input is flagged. Codes the widget has
 * no text for fall back to `generic` where the texts are looked up.
 */
export function problemCode(
  status: number,
  problem: { code?: string; type?: unknown; errors?: { path: string; message?: string }[] },
): { code: WidgetErrorCode; field?: string } {
  const field = problem.errors?.some((e) => /^phone/.test(e.path)) ? 'phone' : undefined;
  let code: string =
    status === 429
      ? 'rate_limited'
      : // No problem at all (a proxy's 502 page): the server was not reached, as when the connection drops.
        (problem.code ??
        String(problem.type ?? 'network')
          .split('/')
          .pop()!
          .replace(/-/g, '_'));
  if (field && code === 'validation_failed') code = 'invalid_phone';
  // A code the widget has no text for is kept as given: the texts' lookup falls back to `generic`.
  return field ? { code: code as WidgetErrorCode, field } : { code: code as WidgetErrorCode };
}
