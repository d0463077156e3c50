// The proof page's island (built by scripts/build-assets.ts, served at /assets/proof-check.js): runs the same
// checks as verify.mjs in the browser with WebCrypto, on this proof's evidence or on a file the user picks, with
// this server's published keys pinned, and remembers the checkpoint so a later visit proves the log only grew.
import { parseCheckpoint } from '../../crypto/note.ts';
import { documentKind, isEvidence, readDocument, verifyEvidence, type Evidence } from '../../verify/evidence.ts';
import type { KeySet } from '../../verify/jws.ts';
import { verdict, type Check } from '../../verify/verify-proof.ts';

interface IslandData {
  evidence: string;
  lang: string;
  verdict: Record<string, string>;
  checks: Record<string, string>;
  running: string;
  source: string;
}

const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => (values[key] === undefined ? whole : String(values[key])));

/** JSON read as every verifier reads it: a key twice at any depth is refused, never resolved one way or another. */
async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const read = readDocument(await response.text(), `GET ${url}`);
  if ('check' in read) throw new Error(read.check.detail);
  return read.value;
}

function remembered(origin: string): string | undefined {
  try {
    return localStorage.getItem(`assent-checkpoint:${origin}`) ?? undefined;
  } catch {
    return undefined;
  }
}

function remember(origin: string, checkpoint: string): void {
  try {
    localStorage.setItem(`assent-checkpoint:${origin}`, checkpoint);
  } catch {
    // Storage refused (private mode): the next visit simply has nothing to compare with.
  }
}

/** The service's published keys, pinned: a file carrying other keys than these fails, whatever it says. */
async function check(evidence: Evidence): Promise<{ checks: Check[]; size: number; savedSize: number }> {
  const site = encodeURIComponent(String(evidence.receipt.site));
  const [jwks, info] = (await Promise.all([getJson('/.well-known/jwks.json'), getJson(`/v1/sites/${site}/log`)])) as [
    KeySet,
    { origin?: string; verifierKey?: string },
  ];
  let size = 0;
  try {
    size = evidence.log.checkpoint ? parseCheckpoint(evidence.log.checkpoint).size : 0;
  } catch {
    size = 0;
  }
  const origin = String(info.origin ?? '');
  const saved = remembered(origin);
  let savedSize = 0;
  let consistency: string[] | undefined;
  if (saved) {
    try {
      savedSize = parseCheckpoint(saved).size;
      if (savedSize > 0 && savedSize < size) {
        consistency = (
          (await getJson(`/v1/sites/${site}/log/consistency?from=${savedSize}&to=${size}`)) as { hashes: string[] }
        ).hashes;
      }
    } catch {
      consistency = undefined;
    }
  }
  const checks = await verifyEvidence(evidence, {
    jwks,
    verifierKey: String(info.verifierKey ?? ''),
    // An older file than the checkpoint seen before is not compared (its log is a prefix, not an extension).
    ...(saved && savedSize <= size && { savedCheckpoint: saved }),
    ...(saved && consistency && { consistency }),
  });
  if (verdict(checks) === 'VALID' && evidence.log.checkpoint && origin && size >= savedSize)
    remember(origin, evidence.log.checkpoint);
  return { checks, size, savedSize };
}

function render(
  root: HTMLElement,
  data: IslandData,
  checks: Check[],
  sizes: { size: number; savedSize: number },
  source: string,
): void {
  const result = verdict(checks);
  root.replaceChildren();
  const heading = document.createElement('p');
  heading.className = 'small';
  heading.textContent = fill(data.source, { source });
  const summary = document.createElement('p');
  summary.className = 'verdict';
  summary.dataset.verdict = result;
  summary.textContent = data.verdict[result] ?? result;
  const list = document.createElement('ul');
  list.className = 'checks';
  for (const c of checks) {
    const [, base = c.name, index = ''] = /^([^[]+)(?:\[(\d+)\])?$/.exec(c.name) ?? [];
    const item = document.createElement('li');
    item.dataset.check = c.name;
    item.dataset.ok = c.ok ? 'true' : c.pending ? 'pending' : 'false';
    const mark = document.createElement('span');
    mark.className = 'mark';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = c.ok ? '✓' : c.pending ? '…' : '✗';
    const size = base === 'saved-checkpoint' || base === 'consistency' ? sizes.savedSize : sizes.size;
    const text = document.createElement('span');
    text.textContent = fill(data.checks[base] ?? base, { index, size });
    item.append(mark, text);
    // The technical reason matters when something is wrong; when all is well it is one hover away.
    if (c.ok) item.title = `${c.name}: ${c.detail}`;
    else {
      const detail = document.createElement('span');
      detail.className = 'small';
      detail.textContent = ` (${c.name}: ${c.detail})`;
      item.append(detail);
    }
    list.append(item);
  }
  root.append(heading, summary, list);
}

function start(): void {
  const section = document.getElementById('proof-check');
  const results = document.getElementById('proof-check-results');
  const button = document.getElementById('proof-check-run') as HTMLButtonElement | null;
  const input = document.getElementById('proof-check-file') as HTMLInputElement | null;
  if (!section || !results || !section.dataset.proof) return;
  const data = JSON.parse(section.dataset.proof) as IslandData;
  document.getElementById('proof-check-noscript')?.remove();

  const run = async (load: () => Promise<string>, source: string) => {
    results.setAttribute('aria-busy', 'true');
    results.textContent = data.running;
    let checks: Check[];
    let sizes = { size: 0, savedSize: 0 };
    try {
      const read = readDocument(await load(), source);
      const value = 'value' in read ? read.value : undefined;
      const kind = documentKind(value);
      if ('check' in read) {
        checks = [read.check];
      } else if (!isEvidence(value)) {
        checks = [
          {
            name: 'proof-format',
            ok: false,
            detail:
              kind.kind === 'invalid' ? kind.problem : 'not an Assent evidence file (no "format": "assent-evidence/1")',
          },
        ];
      } else {
        const out = await check(value);
        checks = out.checks;
        sizes = out;
      }
    } catch (error) {
      checks = [{ name: 'proof-format', ok: false, detail: error instanceof Error ? error.message : String(error) }];
    }
    render(results, data, checks, sizes, source);
    results.removeAttribute('aria-busy');
  };

  const own = () =>
    run(async () => {
      const response = await fetch(data.evidence, { headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`GET ${data.evidence}: HTTP ${response.status}`);
      return response.text();
    }, data.evidence);
  if (button) {
    button.hidden = false;
    button.addEventListener('click', () => void own());
  }
  input?.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void run(() => file.text(), file.name);
  });
  void own();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
