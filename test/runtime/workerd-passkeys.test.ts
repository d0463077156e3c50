// @simplewebauthn/server inside the Workers bundle (workerd through Miniflare): an invitation accepted with a passkey
// and a passkey sign-in, verified by the library running in workerd, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkers, type WorkersServer } from '../../scripts/start-workers.ts';
import { softAuthenticator } from '../console/authenticator.ts';
import { ADMIN_TOKEN, availability, freePort, tempDir, waitHealthy, workerdPresent } from './servers.ts';

const { skip } = availability('workerd', workerdPresent());

describe.skipIf(skip)('passkeys on workerd', () => {
  let server: WorkersServer;
  let origin = '';
  beforeAll(async () => {
    const port = await freePort();
    origin = `http://localhost:${port}`;
    server = await startWorkers({
      env: {
        PORT: String(port),
        ASSENT_DATA_DIR: tempDir('workerd-passkeys'),
        ASSENT_ADMIN_TOKEN: ADMIN_TOKEN,
        ASSENT_PUBLIC_URL: origin,
      },
      quiet: true,
    });
    await waitHealthy(server.url, null, 50_000);
  }, 60_000);
  afterAll(async () => server?.stop());

  it('accepts an invitation with a passkey and signs in with it', { timeout: 60_000 }, async () => {
    const jar = new Map<string, string>();
    const send = async (path: string, init: RequestInit & { csrf?: string } = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
      headers.set('origin', origin);
      if (init.csrf) headers.set('x-csrf-token', init.csrf);
      const res = await fetch(`${server.url}${path}`, { ...init, headers, redirect: 'manual' });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const i = pair!.indexOf('=');
        jar.set(pair!.slice(0, i), pair!.slice(i + 1));
      }
      return res;
    };
    const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
    const json = (body: unknown, csrf: string) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      csrf,
    });

    // The bootstrap: the admin token opens the console as an owner and invites the first person.
    let csrf = csrfIn(await (await send('/console/sign-in')).text());
    expect((await send('/console/sign-in', form({ csrf, key: ADMIN_TOKEN }))).status).toBe(303);
    csrf = csrfIn(await (await send('/console/people')).text());
    const invited = await (await send('/console/people/invite', form({ csrf, name: 'Wanda', role: 'owner' }))).text();
    const token = /\/console\/invite\/([A-Za-z0-9_-]{43})/.exec(invited)![1]!;
    jar.clear();

    const auth = await softAuthenticator('localhost', origin);
    const page = await (await send(`/console/invite/${token}`)).text();
    csrf = /data-csrf="([^"]+)"/.exec(page)![1]!;
    const options = await (await send(`/console/invite/${token}/options`, json({}, csrf))).json();
    const joined = await send(`/console/invite/${token}/register`, json(await auth.register(options), csrf));
    expect(joined.status).toBe(200);
    expect(((await joined.json()) as { recoveryCode: string }).recoveryCode).toMatch(/^[0-9A-Z-]{39}$/);

    jar.clear();
    csrf = csrfIn(await (await send('/console/sign-in')).text());
    const signInOptions = await (await send('/console/passkey/options', json({}, csrf))).json();
    const signedIn = await send('/console/passkey/sign-in', json(await auth.sign(signInOptions), csrf));
    expect(signedIn.status).toBe(200);
    const account = await (await send('/console/account')).text();
    expect(account).toContain('Wanda, Owner');
  });
});
