// Roles enforced on the server: every console POST walked as a viewer is a 403 (a route added later too, since the
// list comes from the app's router), an editor changes content but not people nor API keys, an owner manages people;
// the audit trail shows who changed what, for the owner only, exported as CSV and NDJSON.
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { signIn } from './helpers.ts';
import { acceptInvite, inviteToken, type Person } from './people-helpers.ts';

let h: Harness;
afterEach(() => h?.close());

/** POSTs before a session (sign-in doors) and those a viewer may send because they change nothing of the site. */
const PUBLIC = /^\/console\/(?:sign-in|lang|recovery|passkey\/|invite\/)/;
const VIEWER_MAY = new Set([
  '/console/sign-out',
  '/console/site',
  '/console/subscribers/lookup',
  '/console/subscribers/export',
  '/console/settings/test-origin',
  '/console/account/passkey/options',
  '/console/account/passkey',
  '/console/account/recovery',
]);

const consolePosts = (harness: Harness) =>
  [
    ...new Set(
      harness.app.routes
        .filter((r) => r.method === 'POST' && r.path.startsWith('/console') && !PUBLIC.test(r.path))
        .map((r) => r.path),
    ),
  ].sort();

async function team(): Promise<{ owner: Person; editor: Person; viewer: Person }> {
  const bootstrap = await signIn(h);
  const owner = await acceptInvite(h, await inviteToken(bootstrap, 'Olivia Owner', 'owner'));
  const editor = await acceptInvite(h, await inviteToken(owner, 'Eddie Editor', 'editor'));
  const viewer = await acceptInvite(h, await inviteToken(owner, 'Vera Viewer', 'viewer'));
  return { owner, editor, viewer };
}

const siteConfig = async () => (await h.deps.store.queryColumn("SELECT config FROM sites WHERE id = 'demo'"))[0];

describe('roles', () => {
  it('a viewer gets 403 on every console POST that changes something, and nothing changes', async () => {
    h = await makeHarness();
    const { viewer } = await team();
    const posts = consolePosts(h);
    // The walk covers the whole console, not a hand-picked few.
    expect(posts).toEqual(
      expect.arrayContaining([
        '/console/widget',
        '/console/policy',
        '/console/settings/keys',
        '/console/people/invite',
      ]),
    );
    const before = await siteConfig();
    const walked: string[] = [];
    for (const path of posts.filter((p) => !VIEWER_MAY.has(p))) {
      const res = await viewer.post(path, { name: 'X', role: 'owner', origins: 'https://x.example' });
      expect(res.status, path).toBe(403);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      walked.push(path);
    }
    expect(walked.length).toBeGreaterThanOrEqual(12);
    expect(await siteConfig()).toBe(before);
    expect(await h.deps.store.queryColumn('SELECT count(*) FROM console_invitations')).toEqual([3]);
    // Reading is allowed: the pages open.
    for (const page of ['/console', '/console/widget', '/console/policy', '/console/settings', '/console/subscribers'])
      expect((await viewer.get(page)).status, page).toBe(200);
    expect((await viewer.get('/console/people')).status).toBe(403);
    expect((await viewer.get('/console/audit')).status).toBe(403);
  });

  it('an editor changes content but cannot manage people nor API keys', async () => {
    h = await makeHarness();
    const { owner, editor } = await team();
    const origins = await editor.post('/console/settings/origins', { origins: 'https://shop.example' });
    expect(origins.status).toBe(303);
    expect(await siteConfig()).toContain('https://shop.example');
    for (const path of [
      '/console/people/invite',
      '/console/people/role',
      '/console/people/remove',
      '/console/settings/keys',
    ])
      expect((await editor.post(path, { name: 'Mallory', role: 'owner' })).status, path).toBe(403);
    expect((await editor.get('/console/people')).status).toBe(403);
    // Not even their own role: still an editor.
    expect(await (await owner.get('/console/people')).text()).toMatch(/Eddie Editor[^<]*<\/td><td>Editor/);
  });

  it('an owner invites, changes roles and removes; a removed person’s session ends at once', async () => {
    h = await makeHarness();
    const { owner, viewer } = await team();
    const people = await (await owner.get('/console/people')).text();
    const id = (name: string) => new RegExp(`${name}[\\s\\S]*?name="account" value="([^"]+)"`).exec(people)![1]!;
    expect((await owner.post('/console/people/role', { account: id('Vera Viewer'), role: 'editor' })).status).toBe(303);
    // The new role applies to the open session at once.
    expect((await viewer.post('/console/settings/origins', { origins: 'https://v.example' })).status).toBe(303);
    expect((await owner.post('/console/people/remove', { account: id('Vera Viewer') })).status).toBe(303);
    expect((await viewer.get('/console')).status).toBe(303);
    // An owner cannot demote themself (the site keeps the owner who acts).
    const self = await owner.post('/console/people/role', {
      account: (
        await h.deps.store.queryColumn("SELECT id FROM console_accounts WHERE name = 'Olivia Owner'")
      )[0] as string,
      role: 'viewer',
    });
    expect(self.status).toBe(422);
  });
});

describe('audit trail', () => {
  it('records who changed what and when; the owner reads and exports it (CSV, NDJSON); never a number', async () => {
    h = await makeHarness();
    const { owner, editor } = await team();
    expect((await editor.post('/console/settings/origins', { origins: 'https://shop.example' })).status).toBe(303);
    expect((await editor.post('/console/subscribers/lookup', { phone: '06 12 34 56 78' })).status).toBe(200);
    const refused = await editor.post('/console/people/invite', { name: 'Mallory', role: 'owner' });
    expect(refused.status).toBe(403);

    const ndjson = await owner.get('/console/audit.ndjson');
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const entries = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actorName: string; action: string; at: string; detail: unknown });
    const by = (name: string) => entries.filter((e) => e.actorName === name).map((e) => e.action);
    expect(by('Eddie Editor')).toEqual([
      'POST /console/subscribers/lookup',
      'POST /console/settings/origins',
      'joined by invitation',
    ]);
    expect(by('Olivia Owner')).toContain('POST /console/people/invite');
    expect(entries.filter((e) => e.action === 'POST /console/people/invite').map((e) => e.detail)).toEqual([
      { name: 'Vera Viewer', role: 'viewer' },
      { name: 'Eddie Editor', role: 'editor' },
      { name: 'Olivia Owner', role: 'owner' },
    ]);
    // The first owner was invited from the bootstrap API-key session, named as such, after its sign-in.
    expect(entries.at(-2)).toMatchObject({
      actorName: expect.stringMatching(/^API key /),
      detail: { name: 'Olivia Owner' },
    });
    expect(entries.at(-1)).toMatchObject({
      actorId: expect.stringMatching(/^key:/),
      action: 'sign-in with an API key',
    });
    expect(entries[0]!.at).toBe(new Date(h.now()).toISOString());
    // The refused attempt changed nothing and is not a change.
    expect(JSON.stringify(entries)).not.toContain('Mallory');
    const csv = await (await owner.get('/console/audit.csv')).text();
    expect(csv.split('\r\n')[0]).toBe('id,at,actor_id,actor_name,action,detail');
    expect(csv).toContain(',Eddie Editor,POST /console/settings/origins,');
    expect(csv + JSON.stringify(entries)).not.toMatch(/612345678|06 12/);
    expect(await (await owner.get('/console/audit')).text()).toContain('Eddie Editor');
    expect((await editor.get('/console/audit.csv')).status).toBe(403);
  });

  it('neutralises a spreadsheet formula in a name (CSV injection)', async () => {
    h = await makeHarness();
    const owner = await signIn(h);
    await inviteToken(owner, '=HYPERLINK("http://x")', 'viewer');
    const csv = await (await owner.get('/console/audit.csv')).text();
    expect(csv).toContain(`"{""name"":""=HYPERLINK`);
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe('navigation', () => {
  it('lists people and the audit trail for owners only; everyone has their account link', async () => {
    h = await makeHarness();
    const { owner, editor } = await team();
    const ownerPage = await (await owner.get('/console')).text();
    const editorPage = await (await editor.get('/console')).text();
    expect(ownerPage).toContain('href="/console/people"');
    expect(ownerPage).toContain('href="/console/audit"');
    expect(editorPage).not.toContain('href="/console/people"');
    expect(editorPage).not.toContain('href="/console/audit"');
    expect(editorPage).toContain('href="/console/account"');
  });
});
