// Boot of /widget.js: reads the <script> that loaded it, mounts after it and into every <assent-optin>, once each,
// and exposes window.Assent.mount for sites that mount by hand.
import { mountWidget } from './mount.ts';
import type { MountOptions } from './types.ts';

interface AssentApi {
  mount(el: HTMLElement, options?: MountOptions): Promise<void> | undefined;
}

// Must run before anything async: currentScript is null once the script has finished executing.
const script = document.currentScript as HTMLScriptElement | null;
const data: MountOptions = { ...script?.dataset };
data.api ||= script ? new URL(script.src, location.href).origin : location.origin;

const w = window as unknown as { Assent?: AssentApi };
if (!w.Assent) {
  const mounted = new WeakSet<Element>();
  w.Assent = {
    mount(el, options) {
      if (mounted.has(el)) return;
      mounted.add(el);
      const o: Record<string, unknown> = { ...data };
      for (const key of ['site', 'locale', 'country', 'theme', 'api']) o[key] = el.getAttribute(key) || o[key];
      const merged = { ...o, ...options } as MountOptions & { site: string; api: string };
      // No data-locale: the host page's lang is not the visitor's; the server reads their languages.
      return merged.site ? mountWidget(el, { ...merged, api: merged.api.replace(/\/$/, '') }) : undefined;
    },
  };
}
const assent = w.Assent;

// A second copy of the same script tag finds its host already there and adds nothing.
if (data.site && !document.querySelector(`assent-optin[data-for="${data.site}"]`)) {
  const host = document.createElement('assent-optin');
  host.dataset.for = data.site;
  script!.after(host);
  assent.mount(host, data);
}

const scan = () =>
  document.querySelectorAll('assent-optin').forEach((el) => {
    assent.mount(el as HTMLElement);
  });
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
else scan();
