// Console page (owners only): the people of the site with their roles, role changes and removal, invitations by
// link (the link shown once), and the invitations not yet accepted.
import type { Context, Hono } from 'hono';
import {
  changeRole,
  invite,
  listInvitations,
  listPeople,
  removePerson,
  revokeInvitation,
  ROLES,
} from '../domain/console/index.ts';
import { AppError, type FieldError } from '../errors.ts';
import { formBody, type ConsoleEnv } from './http.ts';
import { Csrf, Errors, consoleHeaders, consolePage } from './shell.tsx';
import { consoleTime, shellFor } from './shell-data.ts';
import { fill } from './texts.ts';

interface RenderOptions {
  errors?: FieldError[];
  link?: { url: string; name: string; expiresAt: number };
  typed?: { name: string; role: string };
  status?: 200 | 404 | 422;
}

async function render(c: Context<ConsoleEnv>, o: RenderOptions = {}) {
  const shortTime = consoleTime(c);
  const { t, session, site } = c.var;
  const p = t.access.people;
  const roles = t.access.roles;
  const [people, invitations] = await Promise.all([
    listPeople(c.get('ctx'), site.id),
    listInvitations(c.get('ctx'), site.id),
  ]);
  const html = consolePage({
    ...(await shellFor(c)),
    title: p.title,
    current: 'people',
    islands: ['copy'],
    body: (
      <>
        <p>{p.intro}</p>
        <Errors t={t} errors={o.errors} />
        {o.link ? (
          <section class="ok" aria-labelledby="link-title">
            <h2 id="link-title">{p.linkTitle}</h2>
            <p>{fill(p.linkIntro, { name: o.link.name, expires: shortTime(o.link.expiresAt) })}</p>
            <pre id="invite-link">{o.link.url}</pre>
            <button type="button" data-copy="invite-link">
              {p.copy}
            </button>
            <span role="status" id="copy-status" data-copied={p.copied} />
          </section>
        ) : null}
        {people.length === 0 ? (
          <p>{p.none}</p>
        ) : (
          <table>
            <caption>{p.caption}</caption>
            <thead>
              <tr>
                <th scope="col">{p.name}</th>
                <th scope="col">{p.role}</th>
                <th scope="col">{p.since}</th>
                <th scope="col">{p.actions}</th>
              </tr>
            </thead>
            <tbody>
              {people.map((person) => {
                const me = session.actor.id === `account:${person.id}`;
                return (
                  <tr>
                    <td>
                      {person.name} {me ? p.you : null}
                    </td>
                    <td>{roles[person.role]}</td>
                    <td>{shortTime(person.createdAt)}</td>
                    <td>
                      {me ? null : (
                        <>
                          <form method="post" action="/console/people/role" style="display:inline">
                            <Csrf value={session.csrf} />
                            <input type="hidden" name="account" value={person.id} />
                            <label for={`role-${person.id}`} class="hint" style="display:inline">
                              {p.role}
                            </label>{' '}
                            <select id={`role-${person.id}`} name="role" style="width:auto">
                              {ROLES.map((r) => (
                                <option value={r} selected={r === person.role}>
                                  {roles[r]}
                                </option>
                              ))}
                            </select>{' '}
                            <button type="submit" class="secondary">
                              {p.changeRole}
                            </button>
                          </form>{' '}
                          <form method="post" action="/console/people/remove" style="display:inline">
                            <Csrf value={session.csrf} />
                            <input type="hidden" name="account" value={person.id} />
                            <button type="submit" class="secondary" aria-label={`${p.remove} ${person.name}`}>
                              {p.remove}
                            </button>
                          </form>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        {invitations.length ? (
          <section aria-labelledby="pending-title">
            <h2 id="pending-title">{p.pendingTitle}</h2>
            <ul>
              {invitations.map((i) => (
                <li>
                  {i.name}, {roles[i.role]}, {p.expires} {shortTime(i.expiresAt)}{' '}
                  <form method="post" action="/console/people/invitations/revoke" style="display:inline">
                    <Csrf value={session.csrf} />
                    <input type="hidden" name="invitation" value={i.tokenHash} />
                    <button type="submit" class="secondary" aria-label={`${p.revoke} ${i.name}`}>
                      {p.revoke}
                    </button>
                  </form>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <form method="post" action="/console/people/invite" aria-labelledby="invite-title">
          <h2 id="invite-title">{p.inviteTitle}</h2>
          <Csrf value={session.csrf} />
          <label for="invite-name">{p.inviteName}</label>
          <p class="hint" id="invite-name-hint">
            {p.inviteNameHint}
          </p>
          <input
            id="invite-name"
            name="name"
            required
            maxLength={80}
            autocomplete="off"
            value={o.typed?.name ?? ''}
            aria-describedby="invite-name-hint"
          />
          <fieldset>
            <legend>{p.inviteRole}</legend>
            {ROLES.map((r) => (
              <label style="font-weight:400">
                <input
                  type="radio"
                  name="role"
                  value={r}
                  checked={(o.typed?.role ?? 'editor') === r}
                  aria-describedby={`hint-${r}`}
                />{' '}
                <strong>{roles[r]}</strong> <span id={`hint-${r}`}>{t.access.roleHints[r]}</span>
              </label>
            ))}
          </fieldset>
          <p>
            <button type="submit">{p.inviteSubmit}</button>
          </p>
        </form>
      </>
    ),
  });
  return c.body(html, o.status ?? 200, consoleHeaders);
}

/** Runs a change; a refusal (422, 403 for oneself, 404) is shown on the page instead of a bare problem. */
async function change(c: Context<ConsoleEnv>, run: () => Promise<Response>, typed?: RenderOptions['typed']) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError && [403, 404, 422].includes(error.status))
      return render(c, {
        errors: error.errors ?? [{ path: '(people)', message: error.message }],
        status: error.status === 403 ? 422 : (error.status as 404 | 422),
        ...(typed ? { typed } : {}),
      });
    throw error;
  }
}

export function peopleRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/people', (c) => render(c));

  app.post('/console/people/invite', async (c) => {
    const form = await formBody(c);
    const typed = { name: form.name ?? '', role: form.role ?? '' };
    return change(
      c,
      async () => {
        const made = await invite(c.get('ctx'), c.get('session'), c.get('site').id, typed);
        c.set('auditDetail', { name: made.name, role: made.role });
        const url = `${c.get('ctx').publicUrl}/console/invite/${made.token}`;
        return render(c, { link: { url, name: made.name, expiresAt: made.expiresAt } });
      },
      typed,
    );
  });

  app.post('/console/people/role', async (c) => {
    const form = await formBody(c);
    return change(c, async () => {
      const done = await changeRole(
        c.get('ctx'),
        c.get('session'),
        c.get('site').id,
        form.account ?? '',
        form.role ?? '',
      );
      c.set('auditDetail', done);
      return c.redirect('/console/people', 303);
    });
  });

  app.post('/console/people/remove', async (c) => {
    const form = await formBody(c);
    return change(c, async () => {
      c.set('auditDetail', await removePerson(c.get('ctx'), c.get('session'), c.get('site').id, form.account ?? ''));
      return c.redirect('/console/people', 303);
    });
  });

  app.post('/console/people/invitations/revoke', async (c) => {
    const form = await formBody(c);
    await revokeInvitation(c.get('ctx'), c.get('site').id, (form.invitation ?? '').slice(0, 64));
    return c.redirect('/console/people', 303);
  });
}
