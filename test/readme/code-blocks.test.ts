// Every code block of the README is accounted for: an HTML comment on the line before says which test runs it
// (`<!-- tested: test/… -->`), that it is a JSON request or response (examples.test.ts), or why it cannot run here
// (`<!-- fragment: … -->`, whose files and npm scripts must still exist). The blocks no other test runs are run here.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeysFrom } from '../../worker/crypto/keys.ts';
import { generateSigningKey } from '../../worker/crypto/signing.ts';
import { parseEnv } from '../../worker/env.ts';
import { widgetBundle } from '../../worker/generated/widget.ts';
import { linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

const ROOT = join(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SCRIPTS = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

interface Block {
  line: number;
  lang: string;
  marker: string;
  text: string;
}

/** Every fenced block with the HTML comment on the line before it ('' if none). */
function blocks(): Block[] {
  const lines = README.split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    const marker = /^<!--\s*(.*?)\s*-->$/.exec(lines[i - 1]?.trim() ?? '')?.[1] ?? '';
    found.push({ line: i + 1, lang: open[1]!, marker, text: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

const THIS_FILE = 'test/readme/code-blocks.test.ts';
const ran = (needle: string): Block => {
  const block = blocks().find((b) => b.text.includes(needle));
  if (!block) throw new Error(`no README block with ${needle}`);
  expect(block.marker, `README.md:${block.line}`).toBe(`tested: ${THIS_FILE}`);
  return block;
};

let h: Harness;
beforeAll(async () => {
  h = await makeHarness({ start: Date.now() });
});
afterAll(async () => h.close());

describe('README code blocks', () => {
  it('opens with the two commands, exactly', () => {
    expect(README.split('\n').slice(0, 2)).toEqual(['npm install && npm start', 'npm install && npm test']);
  });

  it('every block says which test runs it, or why it cannot run', () => {
    const all = blocks();
    expect(all.length).toBeGreaterThan(10);
    for (const block of all) {
      const where = `README.md:${block.line} (\`\`\`${block.lang})`;
      expect(block.lang, where).not.toBe('');
      expect(
        block.marker,
        `${where}: put <!-- tested: test/… --> or <!-- fragment: why --> on the line before`,
      ).toMatch(/^(tested: test\/\S+\.test\.ts|fragment: \S.*|(?:request: \S+ \/\S*|response|not a request)\b.*)$/);
      const tested = /^tested: (\S+)$/.exec(block.marker)?.[1];
      if (tested) {
        expect(existsSync(join(ROOT, tested)), where).toBe(true);
        expect(readFileSync(join(ROOT, tested), 'utf8'), `${where}: ${tested} reads the README`).toContain('README');
      }
    }
  });

  it('the files and npm scripts a fragment names exist', () => {
    for (const block of blocks().filter((b) => b.marker.startsWith('fragment:'))) {
      for (const [, path] of block.text.matchAll(/(?:^|[\s=/])((?:worker|scripts|test|bench)\/[\w./-]+\.(?:ts|md))/g)) {
        expect(existsSync(join(ROOT, path!)), `README.md:${block.line}: ${path}`).toBe(true);
      }
      for (const [, script] of block.text.matchAll(/npm run ([\w:]+)/g))
        expect(SCRIPTS, `README.md:${block.line}`).toContain(script);
    }
  });

  it('the embed snippets load a script the server serves, with attributes the widget reads', async () => {
    const html = blocks().filter((b) => b.lang === 'html');
    expect(html.length).toBe(3);
    for (const block of html) {
      expect(block.marker, `README.md:${block.line}`).toMatch(/^tested: /);
      const src = /src="https:\/\/HOST(\/[^"]+)"/.exec(block.text)![1]!;
      const res = await h.app.request(src);
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type'), src).toContain('javascript');
      expect(await res.text()).toBe(widgetBundle.code);
      const attrs = [...block.text.matchAll(/\s([\w-]+)=/g)].map((m) => m[1]!);
      for (const attr of attrs)
        expect(['src', 'integrity', 'crossorigin', 'data-site', 'site'], `${block.line}: ${attr}`).toContain(attr);
      expect(attrs.some((a) => a === 'data-site' || a === 'site')).toBe(true);
    }
    // The attribute names the README documents are the ones the embed reads.
    for (const name of ['site', 'locale', 'country', 'theme', 'api']) expect(widgetBundle.code).toContain(`"${name}"`);
    expect(widgetBundle.code).toContain('assent-optin');
  });

  it('the event listener example logs the consent id the widget dispatches', () => {
    const block = ran("addEventListener('assent:submitted'");
    const logged: unknown[] = [];
    const document = new EventTarget();
    new Function('document', 'console', block.text)(document, { log: (...a: unknown[]) => logged.push(a) });
    document.dispatchEvent(
      new CustomEvent('assent:submitted', { detail: { consentId: 'c1', proofUrl: 'https://HOST/proofs/c1' } }),
    );
    expect(logged).toEqual([['pending consent', 'c1']]);
    expect(widgetBundle.code).toContain('new CustomEvent(`assent:${');
    expect(widgetBundle.code).toMatch(/"submitted",\{consentId:/);
  });

  it('the create-site command posts site.json to the route its JSON block is marked with', () => {
    const block = ran('-d @site.json');
    const args = execFileSync(
      'bash',
      ['-c', `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\nASSENT_ADMIN_TOKEN=t\n${block.text}`],
      {
        encoding: 'utf8',
      },
    ).split('\0');
    expect(args.slice(0, 3)).toEqual(['-X', 'POST', 'https://HOST/v1/sites']);
    expect(args).toContain('Authorization: Bearer t');
    expect(args).toContain('Content-Type: application/json');
    expect(blocks().find((b) => b.lang === 'json')!.marker).toMatch(/^request: POST \/v1\/sites\b/);
  });

  it('the signing-key command makes a key that production accepts', () => {
    const block = ran("generateKey({name:'Ed25519'}");
    const key = execFileSync('bash', ['-c', block.text], { encoding: 'utf8' }).trim();
    const env = parseEnv({
      ASSENT_MODE: 'production',
      ASSENT_PUBLIC_URL: 'https://consent.maison-lumiere.fr',
      ASSENT_ADMIN_TOKEN: 'prod-admin-Xk9pQ2vL7mN4wR8tY1zB6cD3',
      ASSENT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      ASSENT_SIGNING_KEY: key,
    });
    expect(env.ASSENT_SIGNING_KEY).toBeTruthy();
  });

  it('the retired-list command turns the old signing key into the list the new key starts with', async () => {
    const block = ran('process.env.ASSENT_SIGNING_KEYS_RETIRED');
    const [first, second, third] = await Promise.all([
      generateSigningKey(),
      generateSigningKey(),
      generateSigningKey(),
    ]);
    const run = (env: Record<string, string>) =>
      execFileSync('bash', ['-c', block.text], { encoding: 'utf8', env: { ...process.env, ...env } }).trim();
    const once = run({ ASSENT_SIGNING_KEY: JSON.stringify(first) });
    expect(JSON.parse(once)).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: first.x }]);
    // A second rotation keeps the first entry; the key ring accepts the list and holds both retired keys.
    const twice = run({ ASSENT_SIGNING_KEY: JSON.stringify(second), ASSENT_SIGNING_KEYS_RETIRED: once });
    const { ring } = await signingKeysFrom(JSON.stringify(third), twice);
    expect(ring.keys.map((k) => k.x)).toEqual([first.x, second.x, third.x]);
  });

  it('the offline verification command prints VALID for a downloaded evidence file', async () => {
    const block = ran('node verify.mjs --offline');
    const res = await optIn(h);
    const { consentId } = (await res.json()) as { consentId: string };
    await h.flush();
    expect((await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' })).status).toBe(200);
    await h.flush();
    const evidence = await h.app.request(`/proofs/${consentId}/evidence`);
    expect(evidence.status).toBe(200);
    const file = /filename="([^"]+)"/.exec(evidence.headers.get('content-disposition') ?? '')![1]!;
    expect(file).toBe(`assent-proof-${consentId}.json`);
    const dir = mkdtempSync(join(tmpdir(), 'assent-readme-'));
    try {
      writeFileSync(join(dir, file), await evidence.text());
      copyFileSync(join(ROOT, 'verify.mjs'), join(dir, 'verify.mjs'));
      const out = execFileSync('bash', ['-c', block.text.replaceAll('ID', consentId)], { cwd: dir, encoding: 'utf8' });
      expect(out).toMatch(/\bVALID\b/);
      expect(out).not.toMatch(/INVALID|PENDING/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
