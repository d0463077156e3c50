// Console page: allowed origins (with a "test this origin" check and the origins refused lately), the SMS provider
// (secrets write-only), the inbound webhook URL and secret with a copyable signed example, API keys (issue,
// revoke), and the embed snippet with its Subresource Integrity value.
import type { Context } from 'hono';
import type { Hono } from 'hono';
import { refusedOrigins } from '../domain/console/index.ts';
import { REDACTED } from '../domain/site/index.ts';
import { siteAllowsOrigin } from '../http/origins.ts';
import { issueKey, listKeys, replaceSiteConfig, revokeKey } from '../domain/site/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { widgetBundle } from '../generated/widget.ts';
import { widgetPath } from '../domain/site/index.ts';
import { formatWebhookSecret } from '../sms/signatures.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { consoleTime, shellFor } from './shell-data.ts';
import { fill } from './texts.ts';

interface RenderOptions {
  errors?: FieldError[];
  saved?: boolean;
  tested?: { origin: string; allowed: boolean };
  newKey?: string;
  newSecret?: string;
  /** What was typed in the origins form, shown again when it was refused. */
  origins?: string;
  status?: 200 | 404 | 422;
}

export function signedExample(url: string, secret: string): string {
  return [
    `SECRET='${secret}'`,
    `BODY='{"from":"+33612345678","body":"OUI","messageId":"test-1"}'`,
    'ID=msg_test_1; TS=$(date +%s)',
    `KEY=$(printf '%s' "\${SECRET#whsec_}" | base64 -d | od -An -tx1 | tr -d ' \\n')`,
    `SIG=$(printf '%s' "$ID.$TS.$BODY" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$KEY" -binary | base64)`,
    `curl -X POST '${url}' -H 'content-type: application/json' -H "webhook-id: $ID" -H "webhook-timestamp: $TS" -H "webhook-signature: v1,$SIG" -d "$BODY"`,
  ].join('\n');
}

/** The providers this page's form edits; the others are set through the API. */
const FORM_PROVIDERS: string[] = ['console', 'twilio', 'webhook'];

/** Where this site's provider posts replies (a token route shows its place: the token is a secret, never shown). */
function inboundUrlOf(publicUrl: string, siteId: string, provider: string): string {
  const base = `${publicUrl}/v1/sites/${siteId}/inbound`;
  if (provider === 'twilio' || provider === 'vonage') return `${base}/${provider}`;
  if (provider === 'console' || provider === 'webhook') return `${base}/generic`;
  return `${base}/${provider}/WEBHOOK_TOKEN`;
}

async function render(c: Context<ConsoleEnv>, o: RenderOptions = {}) {
  const { t, site } = c.var;
  const s = t.settings;
  const ctx = c.get('ctx');
  const csrf = c.get('session').csrf;
  const config = site.config;
  const sms = config.sms;
  const [keys, refused] = await Promise.all([listKeys(ctx, site.id), refusedOrigins(ctx, site.id)]);
  const inboundUrl = inboundUrlOf(ctx.publicUrl, site.id, sms.provider);
  // A provider this form does not edit (set through the API) is shown, kept selected, and kept on save.
  const elsewhere = FORM_PROVIDERS.includes(sms.provider) ? null : sms.provider;
  const src = `${ctx.publicUrl}${widgetPath(widgetBundle)}`;
  const snippet = `<script src="${src}" integrity="${widgetBundle.sri}" crossorigin="anonymous" data-site="${site.id}" async></script>`;
  const date = consoleTime(c);
  const html = consolePage({
    ...(await shellFor(c)),
    title: s.title,
    current: 'settings',
    islands: ['copy'],
    body: (
      <>
        <Errors t={t} errors={o.errors} />
        {o.saved ? (
          <p role="status" class="ok">
            {s.saved}
          </p>
        ) : null}
        <h2 id="origins">{s.origins}</h2>
        <form method="post" action="/console/settings/origins">
          <Csrf value={csrf} />
          <label for="allowed-origins">{s.origins}</label>
          <p class="hint" id="origins-hint">
            {s.originsHint}
          </p>
          <textarea id="allowed-origins" name="origins" rows={4} aria-describedby="origins-hint">
            {o.origins ?? config.allowedOrigins.join('\n')}
          </textarea>
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <form method="post" action="/console/settings/test-origin">
          <Csrf value={csrf} />
          <label for="test-origin">{s.test}</label>
          <input id="test-origin" name="origin" placeholder="https://shop.example" value={o.tested?.origin ?? ''} />
          <p>
            <button type="submit" class="secondary">
              {s.testSubmit}
            </button>
          </p>
          {o.tested ? (
            <p role="status" id="origin-result" class={o.tested.allowed ? 'ok' : 'bad'}>
              {fill(o.tested.allowed ? s.allowed : s.refused, { origin: o.tested.origin })}
            </p>
          ) : null}
        </form>
        <h3>{s.refusedList}</h3>
        {refused.length === 0 ? (
          <p>{s.refusedNone}</p>
        ) : (
          <table id="refused-origins">
            <thead>
              <tr>
                <th scope="col">{s.testOrigin}</th>
                <th scope="col">{s.times}</th>
                <th scope="col">{t.overview.when}</th>
              </tr>
            </thead>
            <tbody>
              {refused.map((r) => (
                <tr>
                  <td>{r.origin}</td>
                  <td>{r.count}</td>
                  <td>{date(r.lastAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>{s.provider}</h2>
        <form method="post" action="/console/settings/provider">
          <Csrf value={csrf} />
          <label for="provider">{s.provider}</label>
          {elsewhere ? (
            <p class="hint">{s.providerElsewhere.replace('{provider}', elsewhere).replace('{site}', site.id)}</p>
          ) : null}
          <select id="provider" name="provider">
            {[...(elsewhere ? [elsewhere] : []), ...FORM_PROVIDERS].map((p) => (
              <option value={p} selected={sms.provider === p}>
                {p}
              </option>
            ))}
          </select>
          <fieldset>
            <legend>twilio</legend>
            <label for="accountSid">
              <code>accountSid</code> (Twilio)
            </label>
            <input
              id="accountSid"
              name="accountSid"
              value={sms.provider === 'twilio' ? sms.accountSid : ''}
              autocomplete="off"
            />
            <label for="authToken">
              <code>authToken</code> (Twilio)
            </label>
            <p class="hint" id="authToken-hint">
              {s.secretKept}
            </p>
            <input
              id="authToken"
              name="authToken"
              type="password"
              autocomplete="off"
              aria-describedby="authToken-hint"
            />
            <label for="from">
              <code>from</code> (Twilio)
            </label>
            <input id="from" name="from" value={sms.provider === 'twilio' ? (sms.from ?? '') : ''} />
            <label for="messagingServiceSid">
              <code>messagingServiceSid</code> (Twilio)
            </label>
            <input
              id="messagingServiceSid"
              name="messagingServiceSid"
              value={sms.provider === 'twilio' ? (sms.messagingServiceSid ?? '') : ''}
            />
          </fieldset>
          <fieldset>
            <legend>webhook</legend>
            <label for="webhookUrl">url</label>
            <input id="webhookUrl" name="url" type="url" value={sms.provider === 'webhook' ? sms.url : ''} />
            <label for="webhookSecret">secret</label>
            <p class="hint" id="webhookSecret-hint">
              {s.secretKept}
            </p>
            <input
              id="webhookSecret"
              name="secret"
              type="password"
              autocomplete="off"
              aria-describedby="webhookSecret-hint"
            />
          </fieldset>
          <p>
            <button type="submit">{s.save}</button>
          </p>
        </form>
        <h2>{s.inbound}</h2>
        <p>
          {s.inboundUrl}
          {c.get('t').colon}
          <code id="inbound-url">{inboundUrl}</code>{' '}
          <button type="button" class="secondary" data-copy="inbound-url">
            {s.copy}
          </button>
        </p>
        <p>{config.inboundSecret ? s.inboundSecretSet : s.inboundSecretNone}</p>
        {o.newSecret ? (
          <p role="status" class="ok">
            {s.secretOnce} <code id="new-secret">{o.newSecret}</code>
          </p>
        ) : null}
        <p>{s.example}</p>
        <pre id="inbound-example">
          {signedExample(inboundUrlOf(ctx.publicUrl, site.id, 'webhook'), o.newSecret ?? 'whsec_…')}
        </pre>
        <button type="button" class="secondary" data-copy="inbound-example">
          {s.copy}
        </button>
        <form method="post" action="/console/settings/inbound-secret">
          <Csrf value={csrf} />
          <p>
            <button type="submit">{s.newSecret}</button>
          </p>
        </form>
        <h2>{s.keys}</h2>
        {o.newKey ? (
          <p role="status" class="ok">
            {s.keyOnce} <code id="new-key">{o.newKey}</code>
          </p>
        ) : null}
        <table id="api-keys">
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">{s.created}</th>
              <th scope="col">{t.subscribers.status}</th>
              <th scope="col">
                <span class="hint">{s.revoke}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{date(k.createdAt)}</td>
                <td>{k.revokedAt ? `${s.revoked} ${date(k.revokedAt)}` : s.active}</td>
                <td>
                  {k.revokedAt ? null : (
                    <form method="post" action="/console/settings/keys/revoke">
                      <Csrf value={csrf} />
                      <input type="hidden" name="id" value={k.id} />
                      <button type="submit" class="secondary" aria-label={`${s.revoke} ${k.id}`}>
                        {s.revoke}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" action="/console/settings/keys">
          <Csrf value={csrf} />
          <button type="submit">{s.issue}</button>
        </form>
        <h2>{s.embed}</h2>
        <p>{s.embedHint}</p>
        <pre id="embed-snippet">{snippet}</pre>
        <button type="button" class="secondary" data-copy="embed-snippet">
          {s.copy}
        </button>
        <p role="status" aria-live="polite" id="copy-status" data-copied={s.copied} />
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

/** Saves a change to the configuration; a 422 is shown on the page naming the field. */
async function save(c: Context<ConsoleEnv>, config: Record<string, unknown>, typed: RenderOptions = {}) {
  try {
    await replaceSiteConfig(c.get('ctx'), c.get('site'), config);
  } catch (error) {
    if (error instanceof AppError && error.status === 422)
      return render(c, { ...typed, errors: error.errors ?? [], status: 422 });
    throw error;
  }
  return c.redirect('/console/settings?saved=1', 303);
}

export function settingsRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/settings', (c) => render(c, { saved: c.req.query('saved') === '1' }));

  app.post('/console/settings/origins', async (c) => {
    const form = await formBody(c);
    const origins = (form.origins ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    return save(
      c,
      { ...c.get('site').config, allowedOrigins: origins },
      { origins: (form.origins ?? '').slice(0, 20_000) },
    );
  });

  app.post('/console/settings/test-origin', async (c) => {
    const form = await formBody(c);
    const origin = (form.origin ?? '')
      .trim()
      .replace(/(?<!\/)\/+$/, '')
      .slice(0, 200);
    return render(c, { tested: { origin, allowed: siteAllowsOrigin(c, c.get('site'), origin) } });
  });

  app.post('/console/settings/provider', async (c) => {
    const f = await formBody(c);
    const stored = c.get('site').config.sms;
    // The provider set through the API, kept selected: nothing to change.
    if (f.provider === stored.provider && !FORM_PROVIDERS.includes(stored.provider))
      return c.redirect('/console/settings?saved=1', 303);
    if (f.provider !== 'console' && f.provider !== 'twilio' && f.provider !== 'webhook') {
      return render(c, {
        errors: [{ path: 'sms.provider', message: 'Choose console, twilio or webhook.' }],
        status: 422,
      });
    }
    const secret = (v: string | undefined) => (v && v.length > 0 ? v : REDACTED);
    const opt = (k: string) => (f[k] ? { [k]: f[k] } : {});
    // The same provider keeps what the form does not show (Twilio's API host, an inbound allowlist…).
    const kept = stored.provider === f.provider ? stored : {};
    const sms =
      f.provider === 'twilio'
        ? {
            ...kept,
            provider: 'twilio',
            accountSid: f.accountSid ?? '',
            authToken: secret(f.authToken),
            ...opt('from'),
            ...opt('messagingServiceSid'),
          }
        : f.provider === 'webhook'
          ? { ...kept, provider: 'webhook', url: f.url ?? '', secret: secret(f.secret) }
          : { provider: 'console' };
    return save(c, { ...c.get('site').config, sms });
  });

  app.post('/console/settings/inbound-secret', async (c) => {
    const secret = formatWebhookSecret(c.get('ctx').random(32));
    await replaceSiteConfig(c.get('ctx'), c.get('site'), { ...c.get('site').config, inboundSecret: secret });
    return render(c, { newSecret: secret });
  });

  app.post('/console/settings/keys', async (c) => {
    const { apiKey } = await issueKey(c.get('ctx'), c.get('site').id);
    return render(c, { newKey: apiKey });
  });

  app.post('/console/settings/keys/revoke', async (c) => {
    const form = await formBody(c);
    await revokeKey(c.get('ctx'), c.get('site').id, form.id ?? '');
    return c.redirect('/console/settings?saved=1', 303);
  });
}
