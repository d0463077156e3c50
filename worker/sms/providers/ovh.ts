// OVHcloud SMS behind SmsProvider, plus the parsers of the two calls OVHcloud makes to us (a delivery report, a reply).
// Send: POST https://eu.api.ovh.com/1.0/sms/{serviceName}/jobs, {message, receivers, sender | senderForResponse,
// noStopClause, priority, coding, charset, validityPeriod, callBack}; answers an OvhSmsSendingReport {ids,
// validReceivers, invalidReceivers, totalCreditsRemoved}. Parameters: OVHcloud's "API SMS Cookbook"
// (https://help.ovhcloud.com/csm/fr-sms-api-cookbook, github.com/ovh/docs pages/web_cloud/messaging/sms/api_sms_cookbook)
// and the API console (https://eu.api.ovh.com/console/#/sms/{serviceName}/jobs~POST).
// Signed calls (https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api, "Signing requests"; github.com/ovh/
// node-ovh): X-Ovh-Application (AK), X-Ovh-Consumer (CK), X-Ovh-Timestamp (Unix seconds), X-Ovh-Signature =
// "$1$" + SHA1_HEX(AS + "+" + CK + "+" + METHOD + "+" + full URL + "+" + body + "+" + timestamp).
// Delivery reports ("Tout savoir sur les utilisateurs SMS", step 5, github.com/ovh/docs pages/web_cloud/messaging/sms/
// tout_savoir_sur_les_utilisateurs_sms): OVHcloud calls the callback URL with id, ptt, date, description (the DLR state:
// 0 pending, 1 success, 2 failed, 4 waiting, 8 buffered, 16 error / not billed) and descriptionDlr in the query string.
// Replies ("API SMS Cookbook", "SMS réponse"; "Envoyer des SMS permettant la réponse", "Appeler un CGI"): sent from a
// short code (senderForResponse), France only, answerable for 48 hours; PUT /sms/{serviceName} with smsResponse
// {responseType: "cgi", cgiUrl} makes OVHcloud call that URL for each reply. OVHcloud's guides do not list the fields
// of that call: the names read here (id, senderid, message, shortcode, tag, posted as a form) are those a public
// service in production reads (github.com/betagouv/Aidants_Connect, aidants_connect_web/views/sms.py); fields in the
// POST's query string are read too. A reply is taken by POST only (a GET changes no consent). OVHcloud signs neither call: both URLs carry the site's path
// token (routes/provider-webhooks.ts), and `sms.inboundAllowlist` can hold OVHcloud's addresses.
import { safeFetch, withoutTrailingSlashes, type OutboundPolicy } from '../../net/outbound.ts';
import type { OutgoingSms, SendResult, SmsProvider } from '../provider.ts';
import { withPathToken } from './sinch.ts';
import { failureFor, fetchWithTimeout, redactNumbers, unanswered } from './http.ts';
import type { ParsedInbound } from './vonage.ts';
import { jsonObject } from './json-object.ts';

export interface OvhProviderOptions {
  /** The SMS account, e.g. sms-ab12345-1. */
  serviceName: string;
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  /** A sender declared on the account; absent: a short code that can receive replies (senderForResponse). */
  from?: string;
  webhookToken: string;
  /** The API endpoint; default OVHcloud Europe. */
  apiBaseUrl?: string;
  fetch?: typeof fetch;
  outbound?: OutboundPolicy;
  timeoutMs?: number;
  now?: () => number;
}

async function sha1Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The four headers of a signed OVHcloud API call. */
export async function ovhSignature(options: {
  applicationKey: string;
  applicationSecret: string;
  consumerKey: string;
  method: string;
  url: string;
  body: string;
  timestamp: number;
}): Promise<Record<string, string>> {
  const { applicationKey, applicationSecret, consumerKey, method, url, body, timestamp } = options;
  const signature = await sha1Hex([applicationSecret, consumerKey, method, url, body, String(timestamp)].join('+'));
  return {
    'x-ovh-application': applicationKey,
    'x-ovh-consumer': consumerKey,
    'x-ovh-timestamp': String(timestamp),
    'x-ovh-signature': `$1$${signature}`,
  };
}

const record = jsonObject;

export function createOvhProvider(options: OvhProviderOptions): SmsProvider {
  const {
    serviceName,
    applicationKey,
    applicationSecret,
    consumerKey,
    from,
    webhookToken,
    apiBaseUrl = 'https://eu.api.ovh.com',
    fetch: network = globalThis.fetch.bind(globalThis),
    outbound = { allowLocal: false },
    timeoutMs = 10_000,
    now = () => Date.now(),
  } = options;
  const doFetch = safeFetch(outbound, network);
  const url = `${withoutTrailingSlashes(apiBaseUrl)}/1.0/sms/${encodeURIComponent(serviceName)}/jobs`;

  async function send(message: OutgoingSms): Promise<SendResult> {
    // Our text already carries the opt-out mention, so OVHcloud's own STOP clause is not added (noStopClause).
    const payload: Record<string, unknown> = {
      message: message.body,
      receivers: [message.to],
      ...(from ? { sender: from } : { senderForResponse: true }),
      noStopClause: true,
      priority: 'high',
      charset: 'UTF-8',
      validityPeriod: 2880,
    };
    if (message.statusCallbackUrl) payload.callBack = withPathToken(message.statusCallbackUrl, webhookToken);
    const body = JSON.stringify(payload);
    // OVHcloud refuses a timestamp too far from its clock; ours is the service's clock.
    const timestamp = Math.floor(now() / 1000);
    const headers = await ovhSignature({
      applicationKey,
      applicationSecret,
      consumerKey,
      method: 'POST',
      url,
      body,
      timestamp,
    });
    const attempt = await fetchWithTimeout(
      doFetch,
      url,
      { method: 'POST', headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' }, body },
      timeoutMs,
    );
    if ('failure' in attempt) return unanswered('OVHcloud', attempt);
    const json = record(attempt.text);
    if (attempt.response.ok) {
      const invalid = Array.isArray(json?.invalidReceivers) ? json.invalidReceivers : [];
      if (invalid.length > 0) return { ok: false, retryable: false, reason: 'OVHcloud: invalid receiver' };
      const ids = Array.isArray(json?.ids) ? json.ids : [];
      const id = ids[0];
      if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^\d{1,20}$/.test(id)))
        return { ok: true, providerMessageId: String(id) };
      return {
        ok: false,
        retryable: true,
        unknown: true,
        reason: `OVHcloud HTTP ${attempt.response.status} without an id`,
      };
    }
    const text = typeof json?.message === 'string' ? `: ${redactNumbers(json.message.slice(0, 200))}` : '';
    return failureFor(attempt.response, `OVHcloud HTTP ${attempt.response.status}${text}`, now());
  }

  return { name: 'ovh', send };
}

const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});
const short = (value: unknown, max: number) => (typeof value === 'string' && value.length <= max ? value : null);

/** OVHcloud writes numbers internationally, as +336… or 00336…. */
function e164(number: string): string | null {
  const digits = number.replace(/^(\+|00)/, '');
  return /^\d{6,15}$/.test(digits) ? `+${digits}` : null;
}

/** A reply posted to the smsResponse CGI URL; null for anything else. The id never holds the number. */
export function parseOvhInbound(value: unknown): ParsedInbound | null {
  const v = asRecord(value);
  const id = short(v.id, 40);
  const number = short(v.senderid, 40);
  const text = short(v.message, 2000);
  if (!id || !/^\d+$/.test(id) || !number || text === null) return null;
  const from = e164(number);
  return from ? { from, body: text, messageId: `ovh:reply:${id}` } : null;
}

/** The DLR states of "Tout savoir sur les utilisateurs SMS"; 0, 4 and 8 (pending, waiting, buffered) change nothing. */
const DLR: Record<string, string> = { '1': 'delivered', '2': 'undelivered', '16': 'failed' };

/** A delivery report (query string of the callBack URL) as our delivery status. */
export function parseOvhDelivery(value: unknown): { providerMessageId: string; status: string } | null {
  const v = asRecord(value);
  const id = short(v.id, 20);
  const status = typeof v.description === 'string' ? DLR[v.description] : undefined;
  // A reply carries a senderid; a report carries a ptt code.
  if (!id || !/^\d+$/.test(id) || !status || v.senderid !== undefined || typeof v.ptt !== 'string') return null;
  return { providerMessageId: id, status };
}
