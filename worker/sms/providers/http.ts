// What every HTTP provider shares: one bounded exchange (fetchWithTimeout), the reading of its failures (refused,
// time-out, network; a non-2xx status), Retry-After, and provider texts with the numbers taken out.
import { OutboundRefusedError } from '../../net/outbound.ts';
import type { SendResult } from '../provider.ts';

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or undefined. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** Provider error texts may quote the recipient; numbers never reach our logs. */
export function redactNumbers(text: string): string {
  return text.replace(/\+?\d[\d\s().-]{5,}\d/g, '[number]');
}

export type Attempt =
  | { response: Response; text: string }
  | { failure: 'timeout' | 'network' | 'refused'; detail: string };

/** A fetch whose whole exchange, body included, must finish within timeoutMs. */
export async function fetchWithTimeout(
  doFetch: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<Attempt> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await doFetch(url, { ...init, signal: controller.signal });
    const text = await response.text();
    return { response, text };
  } catch (error) {
    // A configured URL that is not https to a public address (or that redirects): nothing was sent, and resending
    // would be refused again, so the caller fails the message for good.
    if (error instanceof OutboundRefusedError) return { failure: 'refused', detail: error.message };
    if (controller.signal.aborted) return { failure: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    return { failure: 'network', detail: error instanceof Error ? error.name : 'fetch failed' };
  } finally {
    clearTimeout(timer);
  }
}

/** The common mapping of a non-2xx status: 429 and 5xx are worth retrying, any other 4xx is final. */
export function failureFor(response: Response, reason: string, nowMs: number): SendResult {
  if (response.status === 429 || response.status >= 500) {
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), nowMs);
    return { ok: false, retryable: true, reason, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
  }
  return { ok: false, retryable: false, reason };
}

/**
 * The result of an exchange that got no answer: a refused URL is final (resending would be refused again); a time-out
 * or a network failure is retried, `unknown` when the provider may have the message (the next attempt asks before
 * resending), and `note` says anything more the reason should carry.
 */
export function unanswered(
  provider: string,
  attempt: Extract<Attempt, { failure: unknown }>,
  options: { unknown?: boolean; note?: string } = {},
): SendResult {
  if (attempt.failure === 'refused')
    return { ok: false, retryable: false, reason: `${provider} refused: ${attempt.detail}` };
  const reason = `${provider} ${attempt.failure}: ${attempt.detail}${options.note ? `; ${options.note}` : ''}`;
  return { ok: false, retryable: true, ...(options.unknown ? { unknown: true as const } : {}), reason };
}
