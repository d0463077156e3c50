import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkNotice, type NoticeSources } from '../../worker/verify/notice.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const sources = (app: Harness['app']): NoticeSources => ({
  widgetTexts: async (site, sha) => (await app.request(`/v1/sites/${site}/widget/texts/${sha}`)).json(),
  policyMarkdown: async (site, v, locale) =>
    new Uint8Array(await (await app.request(`/p/${site}/${v}?format=md&locale=${locale}`)).arrayBuffer()),
});

async function receipt() {
  const { consentId } = (await (await optIn(h, '06 12 34 56 78', { locale: 'en' })).json()) as { consentId: string };
  await h.flush();
  await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
  const proof = (await (
    await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
  ).json()) as { receipt: Record<string, any> };
  return { consentId, receipt: proof.receipt };
}

describe('what the subscriber was shown', () => {
  it('the texts and the policy bytes the receipt names hash to its values', async () => {
    const { receipt: r, consentId } = await receipt();
    const checks = await checkNotice(r, sources(h.app));
    expect(checks).toEqual([
      expect.objectContaining({ name: 'notice-texts', ok: true }),
      expect.objectContaining({ name: 'notice-policy', ok: true }),
    ]);
    const html = await (await h.app.request(`/proofs/${consentId}`)).text();
    expect(html).toContain('Would you like to receive offers from Demo Shop SAS by text message?');
    expect(html).toContain('Yes, text me');
  });

  it('fails when the texts or the policy served differ from what the receipt says', async () => {
    const { receipt: r } = await receipt();
    const lying: NoticeSources = {
      widgetTexts: async (site, sha) => {
        const real = (await (await h.app.request(`/v1/sites/${site}/widget/texts/${sha}`)).json()) as {
          texts: Record<string, string>;
        };
        return { ...real, texts: { ...real.texts, yes: 'Yes, and sell my number' } };
      },
      policyMarkdown: async () => new TextEncoder().encode('# Another policy\n'),
    };
    const checks = await checkNotice(r, lying);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['notice-texts', false],
      ['notice-policy', false],
    ]);
    expect((await h.app.request(`/v1/sites/demo/widget/texts/${'0'.repeat(64)}`)).status).toBe(404);
  });
});
