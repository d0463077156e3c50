// Renewal instead of silence: after a material policy change, a campaign asks each affected, confirmed subscriber
// once by SMS inside the sending hours; Yes renews in the consent's own chain (the proof shows both versions), No and
// silence until the deadline end it, and the gate follows.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, confirmedConsent, json, makeHarness, type Harness } from '../harness.ts';
import { seedConfirmed, seededPhone } from './seed-subscribers.ts';
import { allPassed, verifyProof } from '../../worker/verify/verify-proof.ts';

let h: Harness;
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
/** Hour and minute in Paris. */
const localTime = (ms: number, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { hour: part('hour'), minute: part('minute') };
};
// Saturday 28 November 2026, 21:30 in Paris: outside the default sending hours (Mon–Sat 08:00–20:00).
const LATE = Date.parse('2026-11-28T20:30:00Z');

beforeEach(async () => {
  h = await makeHarness({ start: LATE });
});
afterEach(async () => h.close());

/** Publishes version 2 with a new processor: a material change that flags every confirmed consent. */
async function materialChange() {
  const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
  config.policy.recipients.push({
    name: 'Mailer Ltd',
    role: 'processor',
    purpose: { fr: 'envoyer nos SMS', en: 'send our texts' },
    country: 'FR',
  });
  expect((await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' })).status).toBe(200);
  const pub = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Un nouveau prestataire SMS.' }, auth));
  expect(await pub.json()).toMatchObject({ version: 2, renewalRequired: true });
}

const gate = async (phone: string) =>
  (await (await h.app.request('/v1/sites/demo/subscribers/lookup', json({ phone }, auth))).json()) as any;
const start = async (body: Record<string, unknown> = {}) => h.app.request('/v1/sites/demo/renewals', json(body, auth));
/** The renewal link sent to a number (the console provider's outbox holds the full number). */
const renewalToken = (to: string) => {
  const sms = h.outbox.list().filter((m) => m.to === to && m.body.includes('/r/'));
  expect(sms).toHaveLength(1);
  return /\/r\/([A-Za-z0-9_-]+)/.exec(sms[0]!.body)![1]!;
};
const answer = (token: string, choice?: string) =>
  h.app.request(`/r/${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: choice ? `choice=${choice}` : '',
  });

describe('a renewal campaign on 200 subscribers', () => {
  it('sends at most one SMS each, inside the sending hours, with the opt-out mention; the gate follows the answers', async () => {
    await seedConfirmed(h, 200);
    await materialChange();
    expect(await gate(seededPhone(0))).toMatchObject({ canSend: false, reason: 'renewal-required' });

    const res = await start({ deadlineDays: 7 });
    expect(res.status).toBe(202);
    const campaign = (await res.json()) as any;
    expect(campaign).toMatchObject({ policyVersion: 2, asked: 200, answers: { waiting: 200 }, sms: { queued: 200 } });
    // Asked at 21:30 on a Saturday: the SMS wait for Monday 08:00 in Paris (Sunday is closed).
    const sendAt = Date.parse(campaign.sendAt);
    expect(localTime(sendAt, 'Europe/Paris')).toMatchObject({ hour: 8, minute: 0 });
    expect(new Date(sendAt).getUTCDay()).toBe(1);
    await h.flush();
    expect(h.outbox.list()).toHaveLength(0);
    // A second campaign for the same version while this one runs is refused: nobody gets two SMS.
    expect((await start()).status).toBe(409);

    h.advance(sendAt - h.now());
    for (let i = 0; i < 30 && h.outbox.list().length < 200; i++) await h.flush();
    const sent = h.outbox.list();
    expect(sent).toHaveLength(200);
    expect(new Set(sent.map((m) => m.to)).size).toBe(200);
    for (const m of sent) {
      expect(m.body).toContain('Répondez STOP');
      expect(m.body).toMatch(/^Demo Shop : /);
      const at = localTime(Date.parse(m.createdAt), 'Europe/Paris');
      expect(at.hour).toBeGreaterThanOrEqual(8);
      expect(at.hour).toBeLessThan(20);
    }

    // GET shows the new texts and two equal answers, and decides nothing (a link scanner).
    const yesToken = renewalToken(seededPhone(0));
    const page = await h.app.request(`/r/${yesToken}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/p/demo/2?locale=fr');
    expect(html).toContain('/p/demo/diff/1/2?locale=fr');
    const buttons = [...html.matchAll(/<button([^>]*)>/g)].map((m) =>
      m[1]!.replace(/value="\w+"|data-choice="\w+"/g, ''),
    );
    expect(buttons).toHaveLength(2);
    expect(buttons[0]).toBe(buttons[1]);
    expect(html).not.toMatch(/checked|autofocus|selected/);
    expect(await gate(seededPhone(0))).toMatchObject({ canSend: false, reason: 'renewal-required' });
    // An empty POST decides nothing either.
    expect(await (await answer(yesToken)).text()).toContain('data-choice="yes"');
    // Nor both answers at once (a form field sent twice): no answer is one of them.
    expect(await (await answer(yesToken, 'yes&choice=no')).text()).toContain('data-choice="yes"');
    expect(await (await answer(yesToken, 'no&choice=yes')).text()).toContain('data-choice="yes"');
    expect(await gate(seededPhone(0))).toMatchObject({ canSend: false, reason: 'renewal-required' });

    // Yes renews: the gate opens, and a second answer changes nothing.
    expect(await (await answer(yesToken, 'yes')).text()).toContain('version 2');
    expect(await gate(seededPhone(0))).toMatchObject({ status: 'confirmed', canSend: true, renewalRequired: false });
    await answer(yesToken, 'no');
    expect(await gate(seededPhone(0))).toMatchObject({ status: 'confirmed', canSend: true });

    // No ends the consent.
    await answer(renewalToken(seededPhone(1)), 'no');
    expect(await gate(seededPhone(1))).toMatchObject({ status: 'withdrawn', canSend: false });

    // The rest stay silent until the deadline, which ends them.
    h.advance(Date.parse(campaign.deadline) - h.now() - 1000);
    await h.flush();
    expect(await gate(seededPhone(2))).toMatchObject({ status: 'confirmed', reason: 'renewal-required' });
    h.advance(2000);
    await h.flush();
    expect(await gate(seededPhone(2))).toMatchObject({ status: 'withdrawn', canSend: false });
    expect(await gate(seededPhone(0))).toMatchObject({ status: 'confirmed', canSend: true });
    // Too late: the link now says so and changes nothing.
    expect(await (await answer(renewalToken(seededPhone(3)), 'yes')).text()).toContain('Cette question a pris fin');
    expect(await gate(seededPhone(3))).toMatchObject({ status: 'withdrawn' });

    const progress = (await (
      await h.app.request(`/v1/sites/demo/renewals/${campaign.id}`, { headers: auth })
    ).json()) as any;
    expect(progress).toMatchObject({
      asked: 200,
      answers: { renewed: 1, declined: 1, lapsed: 198, waiting: 0 },
      sms: { sent: 200 },
    });
    expect(progress.closedAt).not.toBeNull();
    const list = (await (await h.app.request('/v1/sites/demo/renewals', { headers: auth })).json()) as any;
    expect(list.campaigns.map((c: any) => c.id)).toEqual([campaign.id]);
  }, 120_000);
});

describe('the proof of a renewal', () => {
  it('shows both policy versions in the consent chain, and every verifier check passes', async () => {
    const { consentId } = await confirmedConsent(h);
    await materialChange();
    const campaign = (await (await start()).json()) as any;
    h.advance(Date.parse(campaign.sendAt) - h.now());
    await h.flush();
    await h.flush();
    expect((await answer(renewalToken('+33612345678'), 'yes')).status).toBe(200);
    await h.flush();
    const proof = (await (
      await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/json' } })
    ).json()) as any;
    const types = [...proof.log.entries, ...proof.log.pending].map((e: any) => e.leaf.type);
    expect(types).toContain('renewed');
    expect(types.filter((t: string) => t === 'sms-sent').length).toBeGreaterThanOrEqual(2);
    expect(proof.receipt.notice.policyVersion).toBe(1);
    expect(proof.receipt.renewals).toEqual([
      { at: expect.any(String), policyVersion: 2, policySha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const jwks = await (await h.app.request('/.well-known/jwks.json')).json();
    const log = (await (await h.app.request('/v1/sites/demo/log')).json()) as any;
    const checks = await verifyProof({ proof, jwks, verifierKey: log.verifierKey, origin: log.origin });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(allPassed(checks)).toBe(true);
    expect(checks.find((c) => c.name === 'receipt-facts')!.detail).toContain('renewed for policy version 2');
    // A receipt that leaves the renewal out, or invents one, no longer matches its leaves.
    const { renewals: _, ...withoutRenewal } = proof.receipt;
    const lie = await verifyProof({
      proof: { ...proof, receipt: withoutRenewal },
      jwks,
      verifierKey: log.verifierKey,
      origin: log.origin,
    });
    expect(lie.find((c) => c.name === 'receipt-facts')!.ok).toBe(false);

    // A later material change flags the renewed consent again (it agreed to version 2, not 3).
    const { config } = (await (await h.app.request('/v1/sites/demo', { headers: auth })).json()) as any;
    config.policy.transfers = [{ country: 'US', safeguard: 'scc', details: { fr: 'hébergement', en: 'hosting' } }];
    await h.app.request('/v1/sites/demo', { ...json(config, auth), method: 'PUT' });
    const v3 = await h.app.request('/v1/sites/demo/policies', json({ summary: 'Hébergement aux États-Unis.' }, auth));
    expect(await v3.json()).toMatchObject({ version: 3, renewalRequired: true });
    expect(await gate('+33612345678')).toMatchObject({ canSend: false, reason: 'renewal-required' });
  });

  it('answers problem+json for bad input and unknown campaigns, and 404 for an unknown link', async () => {
    const bad = await start({ deadlineDays: 2 });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).errors[0].path).toBe('deadlineDays');
    // A member the body does not take is named, never ignored (a typo would start a campaign on defaults).
    const typo = await start({ deadlinedays: 30 });
    expect(typo.status).toBe(422);
    expect(((await typo.json()) as any).errors[0].path).toBe('deadlinedays');
    const missing = await h.app.request('/v1/sites/demo/renewals/nope', { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await h.app.request('/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await h.app.request('/v1/sites/demo/renewals', json({}))).status).toBe(401);
    // The list takes no query parameter: a filter it lacks is a 422 naming it, not every campaign.
    const filtered = await h.app.request('/v1/sites/demo/renewals?status=running', { headers: auth });
    expect(filtered.status).toBe(422);
    expect(((await filtered.json()) as any).errors.map((e: any) => e.path)).toEqual(['status']);
  });

  it('starts with no body at all, as with {}: the body is optional', async () => {
    await confirmedConsent(h);
    await materialChange();
    const bare = await h.app.request('/v1/sites/demo/renewals', { method: 'POST', headers: auth });
    expect(bare.status).toBe(202);
    expect(await bare.json()).toMatchObject({ asked: 1 });
  });
});

it("the README's example starts a campaign as written", async () => {
  await confirmedConsent(h);
  await materialChange();
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('/renewals'))!;
  // curl replaced by a function printing its arguments: the request exactly as the shell would send it.
  const args = execFileSync('bash', ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${block}`], {
    encoding: 'utf8',
  }).split('\0');
  const url = args.find((a) => a.startsWith('https://HOST/'))!;
  expect(args[args.indexOf('-X') + 1]).toBe('POST');
  const res = await h.app.request(
    url.slice('https://HOST'.length).replace('myshop', 'demo'),
    json(JSON.parse(args[args.indexOf('-d') + 1]!), auth),
  );
  expect(res.status).toBe(202);
  const body = (await res.json()) as any;
  expect(body).toMatchObject({ asked: 1, answers: { waiting: 1 } });
  expect(Date.parse(body.deadline) - Date.parse(body.sendAt)).toBe(30 * 86_400_000);
});
