// The confirmed page says where the ways out are: STOP in reply to any text, and the unsubscribe link, which only the
// confirmation SMS carries (a campaign text carries the STOP mention, not a link). Saying "the link in our messages"
// promised a link a subscriber would look for in vain (GDPR Art. 7(3), Art. 12(1)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../policy/french-typography.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => h.close());

describe.each([
  ['fr', '06 11 22 33 44', '+33611223344', 'utilisez le lien du SMS de confirmation'],
  ['en', '06 55 66 77 88', '+33655667788', 'use the link in the confirmation text'],
])('the confirmed page (%s)', (locale, phone, e164, where) => {
  it('names the SMS that holds the unsubscribe link, and that SMS holds it', async () => {
    expect((await optIn(h, phone, { locale })).status).toBe(202);
    await h.flush();
    const page = await h.app.request(`/c/${linkToken(h, 'c', e164)}`, { method: 'POST' });
    expect(page.status).toBe(200);
    const text = visibleText(await page.text());
    expect(text).toContain(where);
    expect(text).not.toMatch(/lien de nos messages|link in our messages/);
    await h.flush();
    const confirmation = h.outbox
      .list()
      .filter((m) => m.to === e164)
      .at(-1)!;
    expect(confirmation.body).toMatch(/\/u\/[A-Za-z0-9_-]{43}/);
  });
});
