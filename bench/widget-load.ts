// Time from /widget.js arriving to an interactive widget (enabled choice buttons) in Chromium, median of 20 loads,
// against a baseline inline script that fetches the same JSON and inserts two buttons into a shadow root.
// Run: npx tsx bench/widget-load.ts
import { launchBrowser } from '../test/browser/harness.ts';
import { startTarget } from '../test/browser/target.ts';

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

async function main() {
  const browser = await launchBrowser();
  if (!browser) {
    console.log('widget-load: skipped, no Chromium at /usr/bin/chromium');
    return;
  }
  const target = await startTarget();
  const widgetPage = `<!doctype html><html lang="fr"><body><p>Host</p>
<script src="${target.apiOrigin}/widget.js" data-site="demo" data-locale="fr"></script></body></html>`;
  const baselinePage = `<!doctype html><html lang="fr"><body><p>Host</p><script>
window.__start = performance.now();
fetch('${target.apiOrigin}/v1/sites/demo/widget?locale=fr').then((r) => r.json()).then((doc) => {
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

  const loadOnce = async (html: string, startOf: 'resource' | 'inline') => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript({ content: WATCH });
    target.hostPages.set('/bench', html);
    await page.goto(`${target.hostOrigin}/bench`);
    await page.waitForFunction(() => (window as any).__ready !== undefined);
    const ms = await page.evaluate((kind) => {
      const w = window as any;
      const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const start = kind === 'inline' ? w.__start : entries.find((e) => e.name.endsWith('/widget.js'))!.responseEnd;
      const texts = entries.find((e) => e.name.includes('/widget?locale='))!.responseEnd;
      return { total: w.__ready - start, afterTexts: w.__ready - texts };
    }, startOf);
    await context.close();
    return ms;
  };

  // Two warm-up loads each, then interleaved runs so machine noise hits both sides alike.
  for (let i = 0; i < 2; i++) {
    await loadOnce(widgetPage, 'resource');
    await loadOnce(baselinePage, 'inline');
  }
  const widget: { total: number; afterTexts: number }[] = [];
  const baseline: { total: number; afterTexts: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    widget.push(await loadOnce(widgetPage, 'resource'));
    baseline.push(await loadOnce(baselinePage, 'inline'));
  }
  const row = (label: string, runs: { total: number; afterTexts: number }[]) => {
    const totals = runs.map((r) => r.total);
    console.log(
      `  ${label}  ${median(totals).toFixed(1)} ms  (min ${Math.min(...totals).toFixed(1)}, max ${Math.max(...totals).toFixed(1)}; ` +
        `after the texts arrived: ${median(runs.map((r) => r.afterTexts)).toFixed(1)} ms)`,
    );
  };
  console.log(`widget-load (Chromium, median of ${RUNS}, script loaded → yes/no enabled; both fetch the same widget JSON)`);
  row('widget.js', widget);
  row('baseline ', baseline);
  const ratio = (key: 'total' | 'afterTexts') => median(widget.map((r) => r[key])) / median(baseline.map((r) => r[key]));
  console.log(`  ratio      ${ratio('total').toFixed(2)}× total, ${ratio('afterTexts').toFixed(2)}× after the texts`);
  console.log('  baseline = inline script: same JSON fetch, then two buttons in a shadow root');
  await browser.close();
  await target.close();
}

await main();
