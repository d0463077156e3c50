// The SMS provider in use must be in the policy: a processor recipient named for it, and a transfer entry when it sits
// outside the EEA. Checked on the facts alone and through publishing a site whose row predates the rule.
import { afterEach, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { providerFactOf } from '../../worker/domain/site/rules.ts';
import { forgetSite } from '../../worker/domain/site/sites.ts';
import { countryCode, providerFactErrors } from '../../worker/policy/provider-facts.ts';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';

const twilio = {
  provider: 'twilio' as const,
  accountSid: `AC${'0'.repeat(32)}`,
  authToken: 'token-0123456789',
  from: '+447700900000',
};
const recipient = (name: string, country: unknown, role = 'processor') => ({
  name,
  role,
  purpose: 'sends our texts',
  country,
});
const facts = (recipients: unknown[], transfers: unknown = { none: true }) => ({ recipients, transfers });
const paths = (f: unknown, sms = twilio as never) =>
  providerFactErrors(f, providerFactOf(sms), 'policy').map((e) => e.path);

describe('provider facts', () => {
  it('reads countries as codes or names in English or French', () => {
    expect(['US', 'United States', 'les États-Unis', 'usa', 'the United States', 'Atlantis'].map(countryCode)).toEqual([
      'US',
      'US',
      'US',
      'US',
      'US',
      null,
    ]);
    expect(['France', 'FR', 'Irlande', 'Ireland', 'IE', 'Latvia', 'Lettonie', 'l’Allemagne'].map(countryCode)).toEqual([
      'FR',
      'FR',
      'IE',
      'IE',
      'IE',
      'LV',
      'LV',
      'DE',
    ]);
  });

  it('Twilio must be a processor recipient; outside the EEA it needs a transfer for its country', () => {
    expect(paths(facts([]))).toEqual(['policy.recipients']);
    expect(paths(facts([recipient('Twilio Inc.', 'US', 'controller')]))).toEqual(['policy.recipients']);
    expect(paths(facts([recipient('Twilio Ireland Limited', { fr: 'Irlande', en: 'Ireland' })]))).toEqual([]);
    expect(paths(facts([recipient('Twilio Inc.', 'United States')]))).toEqual(['policy.transfers']);
    expect(
      paths(
        facts([recipient('Twilio Inc.', 'United States')], [{ country: 'Brazil', safeguard: 'scc', details: 'x' }]),
      ),
    ).toEqual(['policy.transfers']);
    expect(
      paths(
        facts(
          [recipient('Twilio Inc.', 'United States')],
          [{ country: { fr: 'États-Unis', en: 'USA' }, safeguard: 'scc', details: 'x' }],
        ),
      ),
    ).toEqual([]);
  });

  it('a webhook is named by its host; the console provider needs nobody', () => {
    const hook = { provider: 'webhook', url: 'https://api.smsrelay.co.uk/send', secret: 's'.repeat(16) } as never;
    expect(providerFactOf(hook)).toEqual({ label: 'api.smsrelay.co.uk', key: 'smsrelay' });
    expect(paths(facts([recipient('Twilio Ireland Limited', 'Ireland')]), hook)).toEqual(['policy.recipients']);
    expect(paths(facts([recipient('SMS Relay Ltd', 'United Kingdom')]), hook)).toEqual(['policy.transfers']);
    expect(providerFactOf({ provider: 'console' })).toBeNull();
  });
});

describe('publishing with a provider the facts do not name', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('is refused naming policy.recipients, and nothing is published', async () => {
    h = await makeHarness();
    // A row from before the rule: Twilio in use, a policy that says nobody else receives the numbers.
    await h.ctx.sites.updateConfig(
      'demo',
      JSON.stringify({ ...demoSiteConfig, sms: twilio, policy: { ...demoSiteConfig.policy, recipients: [] } }),
      h.now(),
    );
    forgetSite(h.ctx, 'demo');
    const res = await h.app.request(
      '/v1/sites/demo/policies',
      json({ summary: 'v2' }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string; message: string }[] };
    expect(body.errors).toEqual([{ path: 'policy.recipients', message: expect.stringContaining('Twilio') }]);
    expect(await h.ctx.policies.latestVersion('demo')).toBe(1);
  });
});
