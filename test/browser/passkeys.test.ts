// Passkeys in Chromium with a virtual authenticator (CDP WebAuthn.enable + WebAuthn.addVirtualAuthenticator): an
// invitation link opened, a passkey created, the recovery code shown once; then, signed out, a sign-in with the
// passkey alone. The console is served at http://localhost (an IP address cannot be a WebAuthn RP ID); axe-core on
// the new pages.
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { signIn } from '../console/helpers.ts';
import { inviteToken } from '../console/people-helpers.ts';
import { axeProblems } from './axe.ts';
import { artifactPath, launchBrowser } from './harness.ts';
import { closeServer, listen } from './host-page.ts';

const browser = await launchBrowser();
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

describe.skipIf(!browser)('passkeys in Chromium', () => {
  let h: Harness;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;
  let authenticatorId: string;
  const server = createServer(getRequestListener((req) => h.app.fetch(req)));
  const axe = async (name: string) => {
    await page.screenshot({ path: artifactPath(`console-${name}.png`), fullPage: true });
    expect(await axeProblems(page, { tags: WCAG }), name).toEqual([]);
  };

  beforeAll(async () => {
    origin = (await listen(server)).replace('127.0.0.1', 'localhost');
    h = await makeHarness({ publicUrl: origin });
    context = await browser!.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    }));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await closeServer(server);
    await h?.close();
  });

  it('joins by invitation with a new passkey and is shown the recovery code once', async () => {
    const token = await inviteToken(await signIn(h), 'Camille Dupont', 'owner');
    await page.goto(`${origin}/console/invite/${token}`);
    await axe('invite');
    await page.click('#passkey-create');
    await page.locator('#recovery:not([hidden])').waitFor();
    const code = (await page.locator('#recovery-code').textContent()) ?? '';
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    await axe('invite-recovery');
    // The authenticator holds one resident credential, for this RP, and the server has its public key.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.rpId).toBe('localhost');
    expect(credentials[0]!.isResidentCredential).toBe(true);
    const stored = await h.deps.store.queryColumn('SELECT id FROM console_passkeys');
    expect(stored).toEqual([credentials[0]!.credentialId.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')]);
    await page.click('text=Continue to the console');
    await page.waitForURL(`${origin}/console`);
  });

  it('signs out, then signs in with the passkey alone', async () => {
    await page.click('button:has-text("Sign out")');
    await page.waitForURL(`${origin}/console/sign-in`);
    await axe('sign-in-passkey');
    await Promise.all([page.waitForURL(`${origin}/console`), page.click('#passkey-sign-in')]);
    await page.goto(`${origin}/console/account`);
    expect(await page.locator('main').textContent()).toContain('Camille Dupont, Owner');
    await axe('account');
    await page.goto(`${origin}/console/people`);
    await axe('people');
    await page.goto(`${origin}/console/audit`);
    const audit = (await page.locator('#audit').textContent()) ?? '';
    expect(audit).toContain('Signed in with a passkey');
    expect(audit).toContain('Joined by invitation');
    await axe('audit');
  });
});
