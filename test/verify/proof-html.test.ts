// The proof page as served (no browser): the receipt's language, times in the site's configured time zone with
// the offset, legal bases in words, pending events said plainly, no raw JSON, and the page's own script allowed.
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, makeHarness, optIn, type Harness } from '../harness.ts';

const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
let h: Harness;

beforeAll(async () => {
  // 1 March 2026, 10:00 UTC: Paris is at UTC+01:00, New York at UTC-05:00.
  h = await makeHarness({ start: Date.UTC(2026, 2, 1, 10, 0, 0) });
});

const page = async (id: string) => {
  const res = await h.app.request(`/proofs/${id}`);
  expect(res.status).toBe(200);
  return { res, html: await res.text() };
};

describe('GET /proofs/{id} (HTML)', () => {
  it('speaks the receipt’s language, with times in the site zone and legal bases in words', async () => {
    const { consentId } = await confirmedConsent(h);
    const { res, html } = await page(consentId);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<h1>Preuve de consentement</h1>');
    expect(html).toContain('1er\u00a0mars\u00a02026 à 11\u00a0h\u00a000\u00a0min\u00a000\u00a0s (UTC+1)');
    expect(html).toContain('Les heures sont celles de Paris (UTC+1), le fuseau du site.');
    // What the proof shows: the person asked; never that the number "was solicited".
    expect(html).toContain('a demandé à recevoir les SMS commerciaux de Demo Shop SAS.');
    expect(html).not.toContain('sollicité');
    expect(html).toContain('consentement de la personne (RGPD art. 6.1.a)');
    expect(html).not.toContain('legal_obligation');
    // Each SMS as the log holds it: provider, its message id, a fingerprint of the exact text; and "as of" the checkpoint.
    expect(html).toContain('SMS remis au prestataire d’envoi');
    expect(html).toMatch(
      /la demande de confirmation, par console \(son numéro de message [^)]+\)\u202f; empreinte du texte exact \(SHA-256\)\u00a0: [0-9a-f]{16}…/,
    );
    // The request's fingerprint is of the form's words, not of a message from the provider (it came from no SMS).
    expect(html).toMatch(
      /Consentement demandé dans le formulaire du site\.<br\/><span class="small">empreinte des mots exacts du formulaire \(SHA-256\)\u00a0: [0-9a-f]{16}…/,
    );
    expect(html).not.toMatch(/message — du prestataire/);
    expect(html).toMatch(
      /Ces faits sont lus dans le journal public lui-même, à son point de contrôle signé de \d+ entrées\./,
    );
    expect(html).not.toMatch(/"receipt"\s*:/); // no raw JSON dump
    expect(html).toMatch(/<details><summary>Détails techniques<\/summary>/);
    expect(html).toContain(`href="/proofs/${consentId}/evidence"`);
    expect(html).toContain(`node verify.mjs --offline assent-proof-${consentId}.json`);
    expect(html).toMatch(/<script src="\/assets\/proof-check\.js\?v=[0-9a-f]{16}" defer><\/script>/);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('uses the site’s configured time zone, and an English receipt gives an English page', async () => {
    const got = (await (await h.app.request('/v1/sites/demo', { headers: ADMIN })).json()) as {
      config: Record<string, unknown>;
    };
    const put = await h.app.request('/v1/sites/demo', {
      method: 'PUT',
      headers: ADMIN,
      body: JSON.stringify({ ...got.config, timezone: 'America/New_York' }),
    });
    expect(put.status).toBe(200);
    const res = await optIn(h, '06 55 44 33 22', { locale: 'en' });
    const { consentId } = (await res.json()) as { consentId: string };
    const { html } = await page(consentId);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('1 March 2026, 05:00:00 (UTC-5)'); // 10:00 UTC: day first, 24-hour clock, the offset
    expect(html).toContain('(UTC-5)');
    expect(html).toContain('Times are New York time (UTC-5), the site’s time zone.');
    expect(html).toContain('Pending — asked, not yet confirmed');
    // Not yet under a signed checkpoint: said plainly, not passed off as logged at a position.
    expect(html).toContain('logged; waiting for the next signed checkpoint');
    await h.flush();
    expect((await page(consentId)).html).toMatch(/entry \d+ of the public log/);
  });

  it('answers 404 for an unknown proof, and serves the page script as JavaScript', async () => {
    expect((await h.app.request('/proofs/AAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    const html = (await page(await anyConsentId())).html;
    const src = /<script src="([^"]+)"/.exec(html)![1]!;
    const script = await h.app.request(src);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect(await script.text()).toContain('proof-check-results');
  });
});

async function anyConsentId(): Promise<string> {
  const res = await optIn(h, '06 77 66 55 44');
  return ((await res.json()) as { consentId: string }).consentId;
}
