// The proof page in Chromium, served by the real app: its in-browser checks pass for a real proof and fail for a
// tampered evidence file chosen by the user; the page speaks the receipt's language, offers the evidence download,
// prints without its controls, and has no serious axe violation.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { startTarget, type Target } from './target.ts';

const browser: Browser | null = await launchBrowser();

describe.skipIf(!browser)('proof page in Chromium', () => {
  let target: Target;
  let context: BrowserContext;
  let page: Page;

  /** A confirmed consent, as the widget and the SMS link would make it; returns the proof URL. */
  async function confirmed(locale: 'fr' | 'en', phone: string): Promise<{ proofUrl: string; consentId: string }> {
    const doc = (await (await fetch(`${target.apiOrigin}/v1/sites/demo/widget?locale=${locale}`)).json()) as {
      textSha256: string;
      policy: { version: number };
    };
    const res = await fetch(`${target.apiOrigin}/v1/sites/demo/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        phone,
        choice: 'yes',
        locale,
        textSha256: doc.textSha256,
        policyVersion: doc.policy.version,
      }),
    });
    expect(res.status).toBe(202);
    const { consentId, proofUrl } = (await res.json()) as { consentId: string; proofUrl: string };
    const link = new RegExp(`${target.apiOrigin}/c/[A-Za-z0-9_-]{43}`).exec(target.outbox.at(-1)!.body)![0];
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    await target.harness.flush();
    return { proofUrl, consentId };
  }

  const verdict = async () => {
    await page.locator('#proof-check-results [data-verdict]').waitFor({ timeout: 15_000 });
    return page.locator('#proof-check-results [data-verdict]').getAttribute('data-verdict');
  };
  const checkStates = () =>
    page
      .locator('#proof-check-results li[data-check]')
      .evaluateAll((items) =>
        items.map((li) => `${(li as HTMLElement).dataset.check}=${(li as HTMLElement).dataset.ok}`),
      );

  beforeAll(async () => {
    target = await startTarget();
  });
  afterAll(async () => {
    await target?.close();
    await browser?.close();
  });
  beforeEach(async (ctx) => {
    await target.reset();
    // axe is injected by the test; the page itself allows only its own script.
    context = await browser!.newContext({
      viewport: { width: 900, height: 1000 },
      bypassCSP: true,
      acceptDownloads: true,
    });
    page = await context.newPage();
    ctx.onTestFinished(() => context.close());
  });

  it('a French receipt gives a French page whose checks pass in the browser, with times in the site zone', async () => {
    const { proofUrl } = await confirmed('fr', '06 12 34 56 78');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    expect((await page.goto(proofUrl))!.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    expect(await page.locator('h1').textContent()).toBe('Preuve de consentement');
    expect(await page.locator('.status').textContent()).toBe('Confirmé — la personne a confirmé sa demande');
    const body = (await page.locator('main').textContent())!;
    expect(body).toContain('consentement de la personne (RGPD art. 6.1.a)');
    expect(body).toMatch(/\(UTC\+[12]\)/);
    expect(body).toMatch(/Les heures sont celles de Paris \(UTC\+[12]\), le fuseau du site\./);
    expect(body).not.toContain('sollicité');
    expect(body).not.toContain('+33612345678');
    expect(body).not.toContain('"receipt"'); // no raw JSON dump
    expect(await verdict()).toBe('VALID');
    const states = await checkStates();
    expect(states.length).toBeGreaterThanOrEqual(9);
    expect(states.every((s) => s.endsWith('=true'))).toBe(true);
    expect(states).toContain('notice-texts=true');
    expect(states).toContain('notice-policy=true');
    expect(await page.locator('#proof-check-results').textContent()).toMatch(
      /dans le journal public à la position \d+/,
    );
    expect(await page.locator('details summary').textContent()).toBe('Détails techniques');
    expect(await page.locator('details').getAttribute('open')).toBeNull();
    expect(errors).toEqual([]);
    expect(await axeProblems(page)).toEqual([]);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: artifactPath('proof-page-fr.png'), fullPage: true });
    console.log(`proof page (fr) height at 900 px wide: ${height} px`);
  });

  it('offers the evidence file as a download with its file name', async () => {
    const { proofUrl, consentId } = await confirmed('en', '06 98 76 54 32');
    await page.goto(proofUrl);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('.status').textContent()).toBe('Confirmed — double opt-in completed');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`a[href="/proofs/${consentId}/evidence"]`).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`assent-proof-${consentId}.json`);
    expect(await page.locator('a[href$="/verify.mjs"]').count()).toBe(1);
    expect(await page.locator('main').textContent()).toContain(
      `node verify.mjs --offline assent-proof-${consentId}.json`,
    );
  });

  it('an evidence file the user picks is checked: the real one passes, a tampered one fails naming the check', async () => {
    const { proofUrl, consentId } = await confirmed('en', '06 98 76 54 32');
    const evidence = (await (await fetch(`${target.apiOrigin}/proofs/${consentId}/evidence`)).json()) as {
      notice: { policy: { markdown: string } };
      receipt: { subject: { phone: string } };
    };
    await page.goto(proofUrl);
    expect(await verdict()).toBe('VALID');

    const pick = async (name: string, content: unknown) => {
      await page
        .locator('#proof-check-file')
        .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(content)) });
      await page.locator(`#proof-check-results p.small:text-is("Checked: ${name}")`).waitFor();
    };
    await pick('kept.json', evidence);
    expect(await verdict()).toBe('VALID');

    const policy = structuredClone(evidence);
    policy.notice.policy.markdown = policy.notice.policy.markdown.replace('.', ',');
    await pick('policy-changed.json', policy);
    expect(await verdict()).toBe('INVALID');
    expect(await checkStates()).toContain('notice-policy=false');
    expect(await page.locator('li[data-check="notice-policy"]').textContent()).toContain(
      'The privacy policy is byte for byte the version named in the receipt.',
    );

    const receipt = structuredClone(evidence);
    receipt.receipt.subject.phone = receipt.receipt.subject.phone.replace('6', '7');
    await pick('receipt-changed.json', receipt);
    expect(await verdict()).toBe('INVALID');
    expect(await checkStates()).toContain('receipt-payload=false');

    await pick('not-evidence.json', { hello: 'world' });
    expect(await verdict()).toBe('INVALID');
    expect(await checkStates()).toEqual(['proof-format=false']);
    expect(await axeProblems(page)).toEqual([]);
  });

  it('a later visit proves the log only grew since the checkpoint this browser saw', async () => {
    const { proofUrl } = await confirmed('en', '06 98 76 54 32');
    await page.goto(proofUrl);
    expect(await verdict()).toBe('VALID');
    expect(await checkStates()).not.toContain('consistency=true');
    // Other subscribers arrive; the log grows and a new checkpoint is signed.
    await confirmed('fr', '06 12 34 56 78');
    await page.reload();
    expect(await verdict()).toBe('VALID');
    expect(await checkStates()).toEqual(expect.arrayContaining(['saved-checkpoint=true', 'consistency=true']));
    expect(await page.locator('li[data-check="consistency"]').textContent()).toMatch(
      /The log has not been rewritten since checkpoint \d+: it only grew\./,
    );
    const [, from, to] = /log of (\d+) leaves .* is a prefix of the log of (\d+)/.exec(
      (await page.locator('li[data-check="consistency"]').getAttribute('title'))!,
    )!;
    expect(Number(to)).toBeGreaterThan(Number(from));
  });

  it('prints without its buttons and file picker', async () => {
    const { proofUrl } = await confirmed('fr', '06 12 34 56 78');
    await page.goto(proofUrl);
    await verdict();
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('a.button').isVisible()).toBe(false);
    expect(await page.locator('#proof-check-file').isVisible()).toBe(false);
    expect(await page.locator('h1').isVisible()).toBe(true);
    const pdf = await page.pdf({ path: artifactPath('proof-page-fr.pdf'), format: 'A4' });
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});
