// Island: the real widget (/widget.js, window.Assent.mount) previewed per locale with the texts being edited, and
// the equal-choice check as you type.
import { EDITABLE_WIDGET_TEXTS } from '../../domain/console/index.ts';
import { equalChoice } from '../../domain/site/index.ts';
import type { WidgetDocument } from '../../domain/site/index.ts';

interface Seed {
  site: string;
  api: string;
  docs: Record<string, WidgetDocument>;
  values: Record<string, string>;
  texts: { ok: string; bad: string };
}
const seed = JSON.parse(document.getElementById('widget-seed')?.textContent ?? '{}') as Seed;
const form = document.getElementById('widget-form') as HTMLFormElement | null;
const fill = (text: string) => text.replace(/\{(\w+)\}/g, (w, k: string) => seed.values[k] ?? w);
type Assent = { mount(el: HTMLElement, o: Record<string, unknown>): unknown };

function edited(locale: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of EDITABLE_WIDGET_TEXTS) {
    const input = form?.elements.namedItem(`t.${locale}.${key}`) as HTMLInputElement | null;
    if (input?.value.trim()) out[key] = key === 'stop' || key === 'policyLink' ? fill(input.value) : input.value;
  }
  return out;
}

function renderLocale(locale: string) {
  const assent = (window as unknown as { Assent?: Assent }).Assent;
  const old = document.getElementById(`preview-${locale}`);
  const base = seed.docs[locale];
  if (!old || !base) return;
  const value = (name: string) => (form?.elements.namedItem(name) as HTMLInputElement | null)?.value.trim();
  const program = {
    program: value('program.name'),
    description: value(`program.description.${locale}`),
    frequency: value(`program.frequency.${locale}`),
  };
  const texts = {
    ...base.texts,
    ...Object.fromEntries(Object.entries(program).filter(([, v]) => v)),
    ...edited(locale),
  };
  const status = document.getElementById(`equal-${locale}`);
  const check = equalChoice(texts.yes, texts.no);
  if (status) {
    status.textContent = check.ok ? seed.texts.ok : seed.texts.bad;
    status.className = check.ok ? 'ok' : 'bad';
  }
  if (!assent) return;
  // Assent.mount mounts an element once: each change mounts a fresh host in place of the old one.
  const host = document.createElement('div');
  host.id = old.id;
  host.className = old.className;
  host.dataset.locale = locale;
  host.dataset.yes = texts.yes;
  old.replaceWith(host);
  void Promise.resolve(assent.mount(host, { site: seed.site, api: seed.api, locale, doc: { ...base, texts } })).then(
    () => inert(host),
  );
}

/** A preview never submits: a consent sent from here would cite the saved texts, not the edited ones it shows. */
function inert(host: HTMLElement) {
  host.shadowRoot?.addEventListener(
    'submit',
    (event) => {
      event.preventDefault();
      event.stopPropagation(); // in the capture phase: the widget's own submit handler never runs
    },
    true,
  );
}

function renderAll() {
  for (const locale of Object.keys(seed.docs)) renderLocale(locale);
}

let timer: ReturnType<typeof setTimeout> | undefined;
form?.addEventListener('input', (event) => {
  const locale = (event.target as HTMLElement).closest<HTMLElement>('.grid[data-locale]')?.dataset.locale;
  clearTimeout(timer);
  timer = setTimeout(() => (locale ? renderLocale(locale) : renderAll()), 150);
});
if ((window as unknown as { Assent?: Assent }).Assent) renderAll();
else window.addEventListener('load', renderAll);
