// The campaigns page says what would refuse a send before the owner composes one (a French site with no short code
// to receive STOP), in the console's language, with the way to the setting; once the short code is set, nothing is
// said. The language choice of a campaign is named, not coded.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, json, makeHarness, type Harness } from '../harness.ts';
import { cookieHeader, frenchConsoleJar } from './french-walk.ts';

let h: Harness;
afterEach(() => h?.close());
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('a campaign that cannot be sent yet', () => {
  it('is said on the French campaigns page before composing, until the short code is set', async () => {
    h = await makeHarness();
    const jar = await frenchConsoleJar(h, h.demoKey);
    const page = async () =>
      (await h.app.request('/console/campaigns', { headers: { cookie: cookieHeader(jar) } })).text();
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    expect(config.program.shortCode ?? null).toBeNull();

    const before = await page();
    const notice = /<div class="bad" id="campaign-blocked">([\s\S]*?)<\/div>/.exec(before)?.[1] ?? '';
    expect(notice).toContain('Aucune campagne ne peut encore partir');
    expect(notice).toContain('numéro court');
    expect(notice).toContain('href="/console/configuration#program"');
    expect(notice).not.toMatch(/needs|marketing SMS|set program/);
    expect(before).toMatch(/<option value="fr" selected="">français<\/option>|<option value="fr" selected>français/);

    config.program.shortCode = '36111';
    expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
    expect(await page()).not.toContain('campaign-blocked');
  });
});
