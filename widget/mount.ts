// Mounts one widget into a host element: open shadow root, adopted stylesheet, state signals, submit handling and
// the DOM events a site listens to. Hydrates instead when the hosted page already rendered it on the server.
import { h, hydrate, render } from 'preact';
import { signal } from '@preact/signals';
import { postConsent } from './api.ts';
import { OptIn } from './components/opt-in.tsx';
import { css } from './styles.ts';
import type { MountOptions, Phase, WidgetDocument } from './types.ts';

let sheet: CSSStyleSheet | undefined;
let warned = false;

export async function mountWidget(
  host: HTMLElement,
  options: MountOptions & { api: string; site: string },
): Promise<void> {
  const emit = (name: string, detail?: unknown) =>
    host.dispatchEvent(new CustomEvent(`assent:${name}`, { detail, bubbles: true, composed: true }));
  const base = `${options.api}/v1/sites/${encodeURIComponent(options.site)}/`;
  let root = host.shadowRoot;
  // The hosted page ships a declarative shadow root and its data; hydrate that rather than fetch and render.
  const seed = JSON.parse(host.querySelector('script[type="application/json"]')?.textContent || '{}');
  let doc: WidgetDocument & { originAllowed?: boolean; error?: { code: string; message: string } };
  try {
    // No locale given: the server picks from the visitor's languages (Accept-Language), then the site's default.
    doc =
      options.doc ??
      seed.doc ??
      (await (await fetch(`${base}widget?locale=${encodeURIComponent(options.locale ?? '')}`)).json());
    // A problem instead (unknown site, no policy published yet): reported with its own code.
    if (!doc.texts) throw doc;
  } catch (problem) {
    emit('error', { code: (problem as { code?: string }).code || 'network' });
    return;
  }
  // A form that could only be refused is not shown. The server words the reason (it names the origin and the site,
  // and says how to fix it); the site owner reads it once in the console.
  const refused = doc.error;
  if (refused) {
    emit('error', refused);
    if (!warned) console.error(refused.message);
    warned = true;
    return;
  }
  let container = root?.querySelector('div');
  const prerendered = !!container;
  if (!root || !container) {
    root ??= host.attachShadow({ mode: 'open' });
    try {
      sheet ??= new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
    } catch {
      // No constructable stylesheets in this engine: a <style> does the same job.
      root.append(Object.assign(document.createElement('style'), { textContent: css }));
    }
    container = root.appendChild(document.createElement('div'));
  }
  const theme = doc.theme ?? {};
  for (const key in theme) host.style.setProperty(`--assent-${key}`, theme[key]!);
  // A site's own colours count as a theme: the visitor's dark preference then leaves them alone.
  if (options.theme || doc.theme) host.setAttribute('theme', options.theme || 'site');

  const phase = signal<Phase>(seed.phase ?? { kind: 'idle' });
  const canResend = signal(false);
  const focus = (id: string) => root!.getElementById(id)?.focus();
  let last: [string, string] | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const send = async (choice: 'yes' | 'no', phone: string, country: string) => {
    phase.value = { kind: 'sending' };
    const result = await postConsent(`${base}consents`, {
      // A "no" carries no number: nothing personal leaves the page.
      phone: choice === 'yes' ? phone : '',
      country,
      choice,
      locale: doc.locale,
      textSha256: doc.textSha256,
      policyVersion: doc.policy.version,
      pageUrl: location.origin + location.pathname,
    });
    if (!result.ok) {
      phase.value = { kind: 'error', ...result };
      emit('error', { code: result.code });
      focus(result.field ? 'ap' : 'as');
      return;
    }
    if (choice === 'no') {
      phase.value = { kind: 'declined' };
      emit('declined');
    } else {
      phase.value = { kind: 'sent', maskedPhone: result.maskedPhone ?? '', resent: last?.[0] === phone };
      last = [phone, country];
      canResend.value = false;
      clearTimeout(timer);
      timer = setTimeout(() => (canResend.value = true), options.resendDelayMs ?? 30_000);
      emit('submitted', { consentId: result.consentId, proofUrl: result.proofUrl });
    }
    // The form is gone: keep keyboard users where the news is.
    focus('as');
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const choice = (event.submitter as HTMLElement | null)?.dataset.choice;
    const form = new FormData(event.target as HTMLFormElement);
    if ((choice === 'yes' || choice === 'no') && phase.value.kind !== 'sending')
      void send(choice, String(form.get('phone')).trim(), String(form.get('country')));
  };
  const onResend = () => last && send('yes', ...last);

  (prerendered ? hydrate : render)(
    h(OptIn, { doc, phase, canResend, country: options.country, onSubmit, onResend }),
    container,
  );
}
