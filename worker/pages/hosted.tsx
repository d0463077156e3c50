// The hosted opt-in page (GET/POST /s/{site}): the widget's own components rendered on the server into a
// declarative shadow root, so the form works without JavaScript and /widget.js hydrates it when JavaScript runs.
// Not built on pages/layout.tsx's shell: the page is the widget's document (its own light scheme, nonce'd styles
// inside the shadow root), and the shell's color-scheme would reach into the shadow root's form controls.
import { signal } from '@preact/signals';
import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { OptIn } from '../../widget/components/opt-in.tsx';
import { css } from '../../widget/styles.ts';
import type { Phase, WidgetDocument, WidgetErrorCode } from '../../widget/types.ts';
import type { ProblemCode } from '../errors.ts';
import { FORM_TOKEN_FIELD } from '../http/hosted-form-guard.ts';
import { escapeHtml, htmlSafeJson } from './escape.ts';

export type HostedState =
  | 'idle'
  | { kind: 'sent'; maskedPhone: string }
  | { kind: 'declined' }
  | { kind: 'error'; code: WidgetErrorCode | ProblemCode; field?: string };

export interface HostedPageOptions {
  site: string;
  widget: WidgetDocument;
  state: HostedState;
  /** Where the no-JavaScript form posts, normally `/s/{site}`. */
  formAction: string;
  widgetScriptUrl: string;
  /** CSP nonce for the inline <style> elements and the script tag. */
  nonce?: string;
  /** Signed token proving the form came from this page (for browsers without fetch metadata). */
  formToken?: string;
}

const PAGE_CSS =
  'body{margin:0;padding:24px 16px;background:#f4f4f5;color:#1a1a1a;font:16px/1.5 system-ui,sans-serif}' +
  'main{max-width:560px;margin:0 auto}h1{font-size:24px;margin:0 0 16px}';

// The theme as custom properties on the host, as the embed sets them; a rule rather than a style attribute so a
// strict CSP (nonce, no 'unsafe-inline') allows it. Values were filtered by widgetTheme().
function themeRule(widget: WidgetDocument): string {
  const entries = Object.entries(widget.theme ?? {});
  return entries.length ? `:host{${entries.map(([k, v]) => `--assent-${k}:${v}`).join(';')}}` : '';
}

function toPhase(state: HostedState, widget: WidgetDocument): Phase {
  if (state === 'idle') return { kind: 'idle' };
  if (state.kind !== 'error') return state;
  const code = (state.code in widget.texts.errors ? state.code : 'generic') as WidgetErrorCode;
  return state.field ? { kind: 'error', code, field: state.field } : { kind: 'error', code };
}

export function renderHostedPage(options: HostedPageOptions): string {
  const { site, widget, formAction, widgetScriptUrl } = options;
  const phase = toPhase(options.state, widget);
  const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : '';
  const form = renderToString(h(OptIn, { doc: widget, phase: signal(phase), canResend: signal(false), formAction }));
  // Last inside our own <form>, so it travels with the no-JavaScript post and shifts none of the nodes the widget
  // hydrates (with JavaScript, the widget posts JSON and the token is not needed).
  const body = options.formToken
    ? form.replace(
        '</form>',
        `<input type="hidden" name="${FORM_TOKEN_FIELD}" value="${escapeHtml(options.formToken)}"></form>`,
      )
    : form;
  const t = widget.texts;
  return (
    `<!doctype html><html lang="${escapeHtml(widget.locale)}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="referrer" content="no-referrer">` +
    `<title>${escapeHtml(`${t.program} · ${t.regionLabel}`)}</title>` +
    `<style${nonce}>${PAGE_CSS}</style></head><body><main>` +
    `<h1>${escapeHtml(t.regionLabel)}</h1>` +
    `<assent-optin site="${escapeHtml(site)}"><template shadowrootmode="open">` +
    `<style${nonce}>${css}${themeRule(widget)}</style><div>${body}</div></template>` +
    `<script type="application/json"${nonce}>${htmlSafeJson({ doc: widget, phase })}</script></assent-optin>` +
    `</main><script src="${escapeHtml(widgetScriptUrl)}" async${nonce}></script></body></html>`
  );
}
