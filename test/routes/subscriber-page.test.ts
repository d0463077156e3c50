// The subscriber's own page behind the unsubscribe link: their consents with proofs and evidence, unsubscribe, and
// erasure behind a confirmation (POST only). Afterwards the number is unreadable, suppressed, and the proof verifies.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';
import {
  ADMIN_TOKEN,
  confirmedConsent,
  consentStatus,
  json,
  makeHarness,
  pendingConsent,
  type Harness,
} from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());

const MASKED = '+33 6 •• •• •• 78';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const page = async (path: string, init?: RequestInit) => {
  const res = await h.app.request(path, init);
  return { status: res.status, html: await res.text(), headers: res.headers };
};
const post = (token: string, body: string, headers: Record<string, string> = {}) =>
  page(`/u/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
const subjectOf = async (consentId: string) =>
  (await h.ctx.subjects.byId((await h.ctx.consents.byId(consentId))!.subjectId))!;
const gate = async (phone = '06 12 34 56 78') =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, ADMIN))).json()) as {
    status: string;
    canSend: boolean;
    suppressed: boolean;
  };

async function verifies(consentId: string) {
  await h.flush(); // a checkpoint covering the latest event
  const proof = await (await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })).json();
  const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
  const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  const checks = await verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
  return {
    ok: allPassed(checks),
    failed: checks.filter((c) => !c.ok),
    proof: proof as {
      receipt: Record<string, unknown>;
      log: { entries: { leaf: { event?: string; type?: string } }[] };
    },
  };
}

describe('GET /u/{token}: the subscriber sees, nothing changes', () => {
  it('shows the masked number, each consent with its dates in the site time zone, proof and evidence links', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const { status, html, headers } = await page(`/u/${unsubscribe}`);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain(`<strong class="n">${MASKED}</strong>`);
    expect(html).toContain('Vos consentements');
    expect(html).toContain('Actif\u00a0: vous recevez des SMS');
    // 2026-11-28T10:00Z in Europe/Paris, as French writes it, with its offset.
    expect(html).toContain('28 novembre\u00a02026 à 11\u00a0h\u00a000 (UTC+1)');
    // It names the controller, links the policy shown and gives the contact for the other rights.
    expect(html).toContain('Demo Shop SAS est responsable de vos données (le responsable du traitement).');
    expect(html).toContain('href="https://assent.test/p/demo/1?locale=fr"');
    expect(html).toContain('écrivez à privacy@demo-shop.fr.');
    // What erasure keeps, exactly: proofs without a number, the log (never held it), a shared fragment of the fingerprint.
    expect(html).toContain('un fragment de l’empreinte de votre numéro, commun à des milliers d’autres numéros');
    expect(html).not.toContain('pour toujours');
    expect(html).toContain(`href="https://assent.test/proofs/${consentId}"`);
    expect(html).toContain(
      `href="https://assent.test/proofs/${consentId}/evidence" download="consent-${consentId}.json"`,
    );
    expect(html).toContain(
      `<form method="post" action="/u/${unsubscribe}"><input type="hidden" name="action" value="unsubscribe"/>`,
    );
    // Erasure is only offered here: the erase button is a GET that asks, never a POST that acts.
    expect(html).toContain(
      `<form method="get" action="/u/${unsubscribe}"><input type="hidden" name="erase" value="confirm"/>`,
    );
    expect(html).not.toContain('value="erase"');
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it('?erase=confirm asks, with the POST button, and still changes nothing', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const { status, html } = await page(`/u/${unsubscribe}?erase=confirm`);
    expect(status).toBe(200);
    expect(html).toContain('Effacer votre numéro\u202f? C’est irréversible.');
    expect(html).toContain(
      `<form method="post" action="/u/${unsubscribe}"><input type="hidden" name="action" value="erase"/>`,
    );
    expect(html).toContain(`<a href="/u/${unsubscribe}">Annuler, garder mon numéro</a>`);
    expect((await page(`/u/${unsubscribe}?erase=confirm`, { method: 'HEAD' })).status).toBe(200);
    const subject = await subjectOf(consentId);
    expect(subject.erasedAt).toBeNull();
    expect(subject.wrappedKey).not.toBeNull();
    expect(await consentStatus(h, consentId)).toBe('confirmed');
  });

  it("shows only this number's consents: another subscriber's are not on the page", async () => {
    const other = await pendingConsent(h, '06 98 76 54 32');
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const { html } = await page(`/u/${unsubscribe}`);
    expect(html).toContain(consentId);
    expect(html).not.toContain(other);
    expect(html).not.toContain('32</strong>');
  });

  it('an unknown token is a 404 page, not an error', async () => {
    const { status, html } = await page(`/u/${'A'.repeat(43)}?erase=confirm`);
    expect(status).toBe(404);
    expect(html).not.toContain('value="erase"');
    // It names no program, so its title is the page's alone, with no dangling separator.
    expect(html).toMatch(/<title>[^<—]+<\/title>/);
  });
});

describe('POST /u/{token}', () => {
  it('erases the number: key and index destroyed, consents erased in the log, still suppressed, the proof verifies', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const before = await verifies(consentId);
    expect(before.failed).toEqual([]);
    const { status, html } = await post(unsubscribe, 'action=erase', { origin: 'https://assent.test' });
    expect(status).toBe(200);
    expect(html).toContain('Numéro effacé');
    expect(html).toContain('Votre numéro a été effacé.');
    expect(html).not.toContain(MASKED);
    expect(html).toContain('Effacé le');
    const subject = await subjectOf(consentId);
    expect(subject.erasedAt).not.toBeNull();
    expect(subject.wrappedKey).toBeNull();
    expect(subject.phoneCiphertext).toBeNull();
    expect(await consentStatus(h, consentId)).toBe('erased');
    // The row keeps nothing derived from the number; the number stays suppressed under a mark many numbers share.
    expect(subject.phoneIndex).toBe(`erased-suppressed:${subject.id}`);
    expect(await gate()).toMatchObject({ status: 'none', canSend: false, suppressed: true, reason: 'suppressed' });
    const after = await verifies(consentId);
    expect(after.failed).toEqual([]);
    expect(after.ok).toBe(true);
    expect(after.proof.log.entries.length).toBe(before.proof.log.entries.length + 1);
    expect(JSON.stringify(after.proof.receipt)).not.toContain('612345678');
    // The page still works afterwards (the link is all the subscriber has), and a second erase changes nothing.
    const again = await post(unsubscribe, 'action=erase');
    expect(again.status).toBe(200);
    expect((await verifies(consentId)).proof.log.entries.length).toBe(after.proof.log.entries.length);
    expect((await page(`/u/${unsubscribe}`)).html).toContain('Effacé');
  });

  it('refuses an erase posted from another site, and erases nothing', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const { status } = await post(unsubscribe, 'action=erase', { origin: 'https://evil.example' });
    expect(status).toBe(403);
    expect((await subjectOf(consentId)).erasedAt).toBeNull();
    expect(await gate()).toMatchObject({ status: 'confirmed', canSend: true });
  });

  it('erases only when erasure is the one action asked: erase and unsubscribe together withdraw', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    for (const body of [
      'action=erase&action=unsubscribe',
      'action=unsubscribe&action=erase',
      'action=erase&action=erase',
    ]) {
      expect((await post(unsubscribe, body)).status).toBe(200);
      expect((await subjectOf(consentId)).erasedAt).toBeNull();
    }
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
  });

  it('unsubscribes (with or without action=unsubscribe) and lists the consent as withdrawn; erasure is still offered', async () => {
    const { consentId, unsubscribe } = await confirmedConsent(h);
    const { status, html } = await post(unsubscribe, 'action=unsubscribe');
    expect(status).toBe(200);
    expect(html).toContain('Inscription retirée');
    expect(html).toContain('Retiré\u00a0: vous ne recevez plus de SMS');
    expect(html).toContain('Retiré le');
    expect(html).not.toContain('value="unsubscribe"');
    expect(html).toContain('name="erase" value="confirm"');
    expect(await consentStatus(h, consentId)).toBe('withdrawn');
    expect(await gate()).toMatchObject({ status: 'withdrawn', canSend: false });
    expect((await h.app.request(`/u/${unsubscribe}`, { method: 'POST' })).status).toBe(200);
  });
});
