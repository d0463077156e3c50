// The signed example the console's settings page shows for the generic inbound webhook really works: run with bash
// and openssl (curl replaced by a function that prints its arguments), its signature verifies and the app accepts it.
import { execFileSync } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { signedExample } from '../../worker/console/settings.tsx';
import { formatWebhookSecret, verifyWebhook } from '../../worker/sms/signatures.ts';
import { makeHarness, optIn, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';

let h: Harness;
afterEach(() => h?.close());

it('the copyable example signs like a provider: the app confirms the pending number', async () => {
  h = await makeHarness({ start: Date.now() });
  expect((await optIn(h)).status).toBe(202);
  const c = await signIn(h);
  const page = await (await c.post('/console/settings/inbound-secret', {})).text();
  const secret = /id="new-secret">(whsec_[A-Za-z0-9+/=]+)</.exec(page)![1]!;
  expect(secret).toBe(formatWebhookSecret(Buffer.from(secret.slice(6), 'base64')));
  const url = 'https://assent.test/v1/sites/demo/inbound/generic';
  expect(page).toContain(secret.slice(0, 20));
  const script = `curl() { for a in "$@"; do printf '%s\\n' "$a"; done; }\n${signedExample(url, secret)}`;
  const args = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n');
  const headers: Record<string, string> = {};
  args.forEach((a, i) => {
    if (args[i - 1] === '-H') {
      const [name, ...rest] = a.split(': ');
      headers[name!.toLowerCase()] = rest.join(': ');
    }
  });
  const body = args[args.indexOf('-d') + 1]!;
  expect(await verifyWebhook({ secret, headers, body, now: new Date() })).toMatchObject({ ok: true });
  const res = await h.app.request('/v1/sites/demo/inbound/generic', { method: 'POST', headers, body });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { action: string }).action).toBe('confirm-pending');
});
