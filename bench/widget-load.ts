// Time from /widget.js arriving to an interactive widget (enabled choice buttons) in Chromium, median of 20 loads,
// against a baseline inline script that fetches the same JSON and inserts two buttons into a shadow root; with the
// bytes each side moved over the wire. Served by the real Node server (worker/entry/node.ts, dev mode, its own
// compression), the host page from a second origin, all on 127.0.0.1.
// Run: npm run build && npx tsx bench/widget-load.ts
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'playwright-core';
import { launchBrowser } from '../test/browser/harness.ts';
import { closeServer, hostServer, listen } from '../test/browser/host-page.ts';
import { ROOT, freePort, startChild, tempDir, waitHealthy } from '../test/runtime/servers.ts';

const RUNS = 20;

// Installed before any page script: watches every shadow root for an enabled yes button and stamps the time.
// A string, not a function: tsx would inject helpers the page does not have.
const WATCH = `(() => {
  const original = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = original.call(this, init);
    const check = () => {
      if (window.__ready === undefined && root.querySelector('button[data-choice="yes"]:enabled')) window.__ready = performance.now();
    };
    new MutationObserver(check).observe(root, { childList: true, subtree: true, attributes: true });
    return root;
  };
})();`;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Wire {
  /** Body bytes as sent (compressed when the server compressed). */
  body: number;
  headers: number;
  encoding: string;
}
interface Load {
  total: number;
  afterTexts: number;
  script?: Wire;
  texts?: Wire;
}

async function main() {
  const browser = await launchBrowser();
  if (!browser) {
    console.log('widget-load: skipped, no Chromium at /usr/bin/chromium');
    return;
  }
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const dataDir = tempDir('widget-load');
  const server = startChild(join(ROOT, 'node_modules/.bin/tsx'), ['worker/entry/node.ts'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    ASSENT_DATA_DIR: dataDir,
    ASSENT_PUBLIC_URL: api,
    ASSENT_SERVER_TIMING: '0',
  });
  await waitHealthy(api, server, 40_000);
  const pages = new Map<string, string>();
  const host = hostServer({ apiOrigin: () => api, extra: pages });
  const hostOrigin = await listen(host);

  const widgetPage = `<!doctype html><html lang="fr"><body><p>Host</p>
<script src="${api}/widget.js" data-site="demo" data-locale="fr"></script></body></html>`;
  const baselinePage = `<!doctype html><html lang="fr"><body><p>Host</p><script>
window.__start = performance.now();
fetch('${api}/v1/sites/demo/widget?locale=fr').then((r) => r.json()).then((doc) => {
  const host = document.createElement('div');
  document.currentScript?.after(host) ?? document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  for (const choice of ['yes', 'no']) {
    const b = document.createElement('button');
    b.dataset.choice = choice;
    b.textContent = doc.texts[choice];
    root.append(b);
  }
});
</script></body></html>`;

  const wire = async (res: Response | undefined): Promise<Wire | undefined> => {
    if (!res) return undefined;
    const sizes = await res.request().sizes();
    return {
      body: sizes.responseBodySize,
      headers: sizes.responseHeadersSize,
      encoding: (await res.allHeaders())['content-encoding'] ?? 'identity',
    };
  };

  const loadOnce = async (html: string, startOf: 'resource' | 'inline'): Promise<Load> => {
    // A fresh context each time: no HTTP cache, every byte crosses the wire.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript({ content: WATCH });
    const responses: Response[] = [];
    page.on('response', (res) => responses.push(res));
    pages.set('/bench', html);
    await page.goto(`${hostOrigin}/bench`);
    await page.waitForFunction(() => (window as any).__ready !== undefined);
    const ms = await page.evaluate((kind) => {
      const w = window as any;
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const start = kind === 'inline' ? w.__start : entries.find((e) => e.name.endsWith('/widget.js'))!.responseEnd;
      const texts = entries.find((e) => e.name.includes('/widget?locale='))!.responseEnd;
      return { total: w.__ready - start, afterTexts: w.__ready - texts };
    }, startOf);
    const load: Load = {
      ...ms,
      script: await wire(responses.find((r) => r.url().endsWith('/widget.js'))),
      texts: await wire(responses.find((r) => r.url().includes('/widget?locale='))),
    };
    await context.close();
    return load;
  };

  // Two warm-up loads each, then interleaved runs so machine noise hits both sides alike.
  for (let i = 0; i < 2; i++) {
    await loadOnce(widgetPage, 'resource');
    await loadOnce(baselinePage, 'inline');
  }
  const widget: Load[] = [];
  const baseline: Load[] = [];
  for (let i = 0; i < RUNS; i++) {
    widget.push(await loadOnce(widgetPage, 'resource'));
    baseline.push(await loadOnce(baselinePage, 'inline'));
  }
  const bytes = (w?: Wire) => (w ? `${w.body} B ${w.encoding} (+${w.headers} B headers)` : '—');
  const row = (label: string, runs: Load[]) => {
    const totals = runs.map((r) => r.total);
    const last = runs[runs.length - 1]!;
    const moved =
      (last.script ? last.script.body + last.script.headers : 0) +
      (last.texts ? last.texts.body + last.texts.headers : 0);
    console.log(
      `  ${label}  ${median(totals).toFixed(1)} ms  (min ${Math.min(...totals).toFixed(1)}, max ${Math.max(...totals).toFixed(1)}; ` +
        `after the texts arrived: ${median(runs.map((r) => r.afterTexts)).toFixed(1)} ms)  ` +
        `wire: script ${bytes(last.script)}, texts ${bytes(last.texts)}; ${moved} B in all`,
    );
  };
  console.log(
    `widget-load (Chromium, real Node server, median of ${RUNS}, script loaded → yes/no enabled; both fetch the same widget JSON)`,
  );
  row('widget.js', widget);
  row('baseline ', baseline);
  const ratio = (key: 'total' | 'afterTexts') =>
    median(widget.map((r) => r[key])) / median(baseline.map((r) => r[key]));
  console.log(`  ratio      ${ratio('total').toFixed(2)}× total, ${ratio('afterTexts').toFixed(2)}× after the texts`);
  console.log(
    '  baseline = inline script: same JSON fetch, then two buttons in a shadow root (its script is in the page)',
  );
  await browser.close();
  await closeServer(host);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

await main();
