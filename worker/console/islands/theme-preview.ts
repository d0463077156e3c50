// Island: the real widget (/widget.js, window.Assent.mount) previewed per locale with the theme being edited.
import type { WidgetDocument } from '../../domain/site/index.ts';

interface Seed {
  site: string;
  api: string;
  docs: Record<string, WidgetDocument>;
}
type Assent = { mount(el: HTMLElement, o: Record<string, unknown>): unknown };
const seed = JSON.parse(document.getElementById('theme-seed')?.textContent ?? '{}') as Seed;
const form = document.getElementById('theme-form') as HTMLFormElement | null;

function theme(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of form?.querySelectorAll<HTMLInputElement>('input[data-theme-key]') ?? []) {
    const value = input.value.trim();
    // The same rule as the server's (widget-config.ts): a plain CSS value or nothing.
    if (/^[#\w\s().,%-]{1,60}$/.test(value)) out[input.dataset.themeKey!] = value;
  }
  return out;
}

function render() {
  const assent = (window as unknown as { Assent?: Assent }).Assent;
  if (!assent) return;
  for (const [locale, doc] of Object.entries(seed.docs ?? {})) {
    const old = document.getElementById(`theme-preview-${locale}`);
    if (!old) continue;
    // Assent.mount mounts an element once: each change mounts a fresh host in place of the old one.
    const host = document.createElement('div');
    host.id = old.id;
    host.className = old.className;
    host.dataset.locale = locale;
    old.replaceWith(host);
    void Promise.resolve(
      assent.mount(host, { site: seed.site, api: seed.api, locale, doc: { ...doc, theme: theme() } }),
    ).then(() =>
      // A preview never submits.
      host.shadowRoot?.addEventListener(
        'submit',
        (event) => {
          event.preventDefault();
          event.stopPropagation();
        },
        true,
      ),
    );
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
form?.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(render, 150);
});
if ((window as unknown as { Assent?: Assent }).Assent) render();
else window.addEventListener('load', render);
