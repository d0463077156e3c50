// The opt-in form, rendered by the embed in the browser and by the hosted page on the server (same markup).
// It is a real <form method="post"> so it works without JavaScript; with JavaScript the handlers take over.
/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
// biome-ignore lint/correctness/noUnusedImports: the fragment pragma above names it
import { Fragment, h } from 'preact';
import type { Signal } from '@preact/signals';
import type { Phase, WidgetDocument } from '../types.ts';

export interface OptInProps {
  doc: WidgetDocument;
  phase: Signal<Phase>;
  /** True once the resend delay has passed in the "check your phone" state. */
  canResend: Signal<boolean>;
  country?: string;
  formAction?: string;
  onSubmit?: (event: SubmitEvent) => void;
  onResend?: () => void;
}

// Marks the masked number inside the status text so it can be rendered as one piece (never a character of a text).
const PHONE = '\u0000';

export function statusText(doc: WidgetDocument, phase: Phase): string {
  const t = doc.texts;
  if (phase.kind === 'error') return t.errors[phase.code] ?? t.errors.generic;
  if (phase.kind === 'sent')
    return (phase.resent ? t.resent : t.sent).replace('{phone}', PHONE + phase.maskedPhone + PHONE);
  // "sending" and "declined" are named like their texts; "idle" has none.
  return (t as unknown as Record<string, string>)[phase.kind] ?? '';
}

export function OptIn({ doc, phase, canResend, country, formAction, onSubmit, onResend }: OptInProps) {
  const t = doc.texts;
  const p = phase.value;
  const done = p.kind === 'sent' || p.kind === 'declined';
  const busy = p.kind === 'sending';
  const badPhone = p.kind === 'error' && (p.code === 'invalid_phone' || p.field === 'phone');
  const selected = country && doc.allowedCountries.includes(country) ? country : doc.defaultCountry;
  const only = doc.countries.length === 1 ? doc.countries[0] : undefined;
  return (
    <section class="w" lang={doc.locale} aria-label={t.regionLabel}>
      <h2>{t.program}</h2>
      <p>{t.intro}</p>
      <p>{t.description}</p>
      <p>
        {t.frequencyLabel} {t.frequency}
      </p>
      <p class="m">
        {t.rates} {t.stop}
      </p>
      <a href={doc.policy.url} target="_blank" rel="noopener">
        {t.policyLink}
        <span class="v"> {t.newTab}</span>
      </a>
      {!done && (
        <form method="post" action={formAction} onSubmit={onSubmit} aria-busy={busy}>
          <input type="hidden" name="locale" value={doc.locale} />
          <input type="hidden" name="textSha256" value={doc.textSha256} />
          <input type="hidden" name="policyVersion" value={doc.policy.version} />
          {/* A disabled default button: pressing Enter in the phone field must not count as "yes". */}
          <button type="submit" disabled hidden />
          {only ? (
            <input type="hidden" name="country" value={only.code} />
          ) : (
            <>
              <label for="ac">{t.countryLabel}</label>
              <select id="ac" name="country" autocomplete="country">
                {doc.countries.map((c) => (
                  <option value={c.code} selected={c.code === selected}>
                    {c.name} (+{c.callingCode})
                  </option>
                ))}
              </select>
            </>
          )}
          <label for="ap">{t.phoneLabel}</label>
          <div class="f">
            {only && (
              <span class="x" aria-hidden="true">
                +{only.callingCode}
              </span>
            )}
            <input
              id="ap"
              type="tel"
              name="phone"
              autocomplete="tel"
              aria-invalid={badPhone ? 'true' : undefined}
              aria-describedby="ah as"
            />
          </div>
          <p id="ah" class="m">
            {t.phoneHint}
          </p>
          {/* biome-ignore lint/a11y/useSemanticElements: a fieldset would need a legend and its browser styles undone; role=group with a label is what assistive technology reads the same way */}
          <div class="b" role="group" aria-label={t.choiceLabel}>
            <button type="submit" class="c" name="choice" value="yes" data-choice="yes" disabled={busy}>
              {t.yes}
            </button>
            <button type="submit" class="c" name="choice" value="no" data-choice="no" disabled={busy}>
              {t.no}
            </button>
          </div>
        </form>
      )}
      <p id="as" class={p.kind === 'error' ? 's e' : 's'} role="status" aria-live="polite" tabIndex={-1}>
        {/* The masked number is one unbreakable piece: "+33 6 •• ••" on one line and "•• 78" on the next misleads. */}
        {statusText(doc, p)
          .split(PHONE)
          .map((part, i) => (i % 2 ? <span class="n">{part}</span> : part))}
      </p>
      {p.kind === 'sent' && canResend.value && (
        <div class="b">
          <button type="button" class="c" onClick={onResend}>
            {t.resend}
          </button>
        </div>
      )}
    </section>
  );
}
