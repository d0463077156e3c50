// Console page: the signed-in person's own account (any role): their passkeys, adding one, and a new recovery code
// (shown once). A session opened with an API key or the admin token has no account here.
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context, Hono } from 'hono';
import { addPasskey, addPasskeyOptions, passkeysOf, renewRecoveryCode } from '../domain/console/index.ts';
import { forbidden, malformedJson } from '../errors.ts';
import type { ConsoleEnv } from './http.ts';
import { consoleTime } from './shell-data.ts';
import { Csrf, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';

const accountIdOf = (c: Context<ConsoleEnv>) => {
  const id = c.get('session').actor.id;
  return id.startsWith('account:') ? id.slice('account:'.length) : null;
};

async function render(c: Context<ConsoleEnv>, o: { recoveryCode?: string } = {}) {
  const shortTime = consoleTime(c);
  const { t, session } = c.var;
  const a = t.access.account;
  const accountId = accountIdOf(c);
  const passkeys = accountId ? await passkeysOf(c.get('ctx'), accountId) : [];
  const html = consolePage({
    ...(await shellFor(c)),
    title: a.title,
    islands: ['passkey'],
    body: !accountId ? (
      <p>{a.notAPerson}</p>
    ) : (
      <>
        <p>
          {session.actor.name}, {t.access.roles[session.role]}
        </p>
        <h2>{a.passkeys}</h2>
        <ul id="passkeys">
          {passkeys.map((p) => (
            <li>
              {a.created} {shortTime(p.createdAt)}, {a.lastUsed} {p.lastUsedAt ? shortTime(p.lastUsedAt) : a.never}
            </li>
          ))}
        </ul>
        <button
          type="button"
          id="passkey-add"
          data-passkey="register"
          data-options="/console/account/passkey/options"
          data-submit="/console/account/passkey"
          data-csrf={session.csrf}
          data-unsupported={t.access.signIn.noWebAuthn}
        >
          {a.add}
        </button>
        <p role="status" id="passkey-status" />
        <form method="post" action="/console/account/recovery" aria-labelledby="recovery-title">
          <h2 id="recovery-title" tabindex={-1}>
            {a.recoveryTitle}
          </h2>
          <p>{a.recoveryIntro}</p>
          <Csrf value={session.csrf} />
          <button type="submit">{a.recoveryNew}</button>
        </form>
        <section id="recovery" hidden={!o.recoveryCode} aria-label={t.access.invite.recoveryTitle}>
          <p>{t.access.invite.recoveryIntro}</p>
          <pre id="recovery-code" style="font-size:1.4rem">
            {o.recoveryCode ?? ''}
          </pre>
          <button type="button" id="print-recovery" class="secondary">
            {t.access.invite.print}
          </button>
        </section>
      </>
    ),
  });
  return c.body(html, 200, consoleHeaders);
}

function mine(c: Context<ConsoleEnv>): string {
  const id = accountIdOf(c);
  if (!id) throw forbidden('Only a person signed in with a passkey or recovery code has an account.');
  return id;
}

export function accountRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/account', (c) => render(c));

  app.post('/console/account/passkey/options', async (c) =>
    c.json(await addPasskeyOptions(c.get('ctx'), mine(c), c.get('site').config.name), 200, {
      'Cache-Control': 'no-store',
    }),
  );

  app.post('/console/account/passkey', async (c) => {
    const id = mine(c);
    const response = (await c.req.json().catch(() => {
      throw malformedJson();
    })) as RegistrationResponseJSON;
    await addPasskey(c.get('ctx'), id, response);
    return c.json({ redirect: '/console/account' }, 200, { 'Cache-Control': 'no-store' });
  });

  app.post('/console/account/recovery', async (c) => {
    const code = await renewRecoveryCode(c.get('ctx'), mine(c));
    return render(c, { recoveryCode: code });
  });
}
