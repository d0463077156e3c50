// The renewal page behind /r/{token}: the new policy version's texts and two equal answers (same size and style,
// nothing pre-selected). GET only shows: the form's POST is what decides, so a link scanner never answers.
import { page } from './layout.tsx';

const TEXTS = {
  en: {
    title: 'Our privacy policy changed',
    intro:
      '{program} changed its privacy policy (version {version}): what your number is used for, who receives it or where it goes. Do you still want our texts under the new policy?',
    summary: 'What changed, in short:',
    readNew: 'Read the new policy',
    readDiff: 'See every change',
    deadline: 'Without an answer by {deadline}, you will get no more texts from us.',
    yes: 'Yes, keep texting me',
    no: 'No, stop the texts',
    choice: 'Your answer',
    renewed: 'Thank you: you keep getting our texts under policy version {version}. Reply STOP at any time.',
    declined: 'Understood: you will get no more texts from us.',
    lapsed: 'This question closed on {deadline}: you get no more texts from us. You can sign up again on our site.',
    ended: 'Your subscription had already ended: nothing changed.',
    unknown: 'This link is not valid.',
  },
  fr: {
    title: 'Notre politique de confidentialité a changé',
    intro:
      '{program} a modifié sa politique de confidentialité (version {version}) : l’usage de votre numéro, qui le reçoit ou où il va. Voulez-vous encore recevoir nos SMS avec cette nouvelle politique ?',
    summary: 'Ce qui change, en bref :',
    readNew: 'Lire la nouvelle politique',
    readDiff: 'Voir chaque changement',
    deadline: 'Sans réponse avant le {deadline}, vous ne recevrez plus nos SMS.',
    yes: 'Oui, gardez mes SMS',
    no: 'Non, arrêtez les SMS',
    choice: 'Votre réponse',
    renewed: 'Merci : vous recevez toujours nos SMS, avec la politique version {version}. Répondez STOP à tout moment.',
    declined: 'C’est noté : vous ne recevrez plus nos SMS.',
    lapsed:
      'Cette question a pris fin le {deadline} : vous ne recevez plus nos SMS. Vous pouvez vous réinscrire sur notre site.',
    ended: 'Votre inscription avait déjà pris fin : rien n’a changé.',
    unknown: 'Ce lien n’est pas valide.',
  },
} as const;

/**
 * A re-permission (campaign audience `imported`): the number came from the owner's existing list, so the question is
 * whether the person wants the texts at all; their Yes is the consent proven from now on.
 */
const REPERMISSION = {
  en: {
    title: 'Do you want our texts?',
    intro:
      '{program} added your number to its text list from an earlier sign-up that you never confirmed to us. Do you want our texts, under our privacy policy (version {version})?',
    renewed: 'Thank you: your consent is recorded, under policy version {version}. Reply STOP at any time.',
    readNew: 'Read our privacy policy',
  },
  fr: {
    title: 'Voulez-vous nos SMS\u202f?',
    intro:
      '{program} a ajouté votre numéro à sa liste SMS d’après une inscription passée, que vous ne nous avez jamais confirmée. Voulez-vous recevoir nos SMS, selon notre politique de confidentialité (version {version})\u202f?',
    renewed:
      'Merci\u00a0: votre consentement est enregistré, avec la politique version {version}. Répondez STOP à tout moment.',
    readNew: 'Lire notre politique de confidentialité',
  },
} as const;

export type RenewalPageState =
  | { kind: 'ask'; summary: string; policyUrl: string; diffUrl: string; action: string }
  | { kind: 'renewed' | 'declined' | 'lapsed' | 'ended' }
  | { kind: 'unknown' };

const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (m, k) => values[k] ?? m);

// Both answers share one class: equal size, style and prominence (the rule every write path follows).
const CSS = `.choices{display:grid;grid-template-columns:1fr 1fr;gap:1rem;margin:1.5rem 0}
.choices button{width:100%;background:var(--bg);color:var(--fg);border:2px solid var(--accent)}`;

export function renewalPage(options: {
  locale: string;
  program: string;
  version: number;
  deadline: string;
  state: RenewalPageState;
  /** `imported`: a re-permission of a number from the owner's list (default: a renewal after a policy change). */
  audience?: 'renewal' | 'imported';
}): string {
  const fr = options.locale.startsWith('fr');
  const t =
    options.audience === 'imported'
      ? { ...(fr ? TEXTS.fr : TEXTS.en), ...(fr ? REPERMISSION.fr : REPERMISSION.en) }
      : fr
        ? TEXTS.fr
        : TEXTS.en;
  const values = { program: options.program, version: String(options.version), deadline: options.deadline };
  const { state } = options;
  const body =
    state.kind === 'ask' ? (
      <main>
        <h1>{t.title}</h1>
        <p>{fill(t.intro, values)}</p>
        {options.audience === 'imported' ? (
          <p>
            <a href={state.policyUrl}>{t.readNew}</a>
          </p>
        ) : (
          <>
            <p>
              <strong>{t.summary}</strong> {state.summary}
            </p>
            <p>
              <a href={state.policyUrl}>{t.readNew}</a> · <a href={state.diffUrl}>{t.readDiff}</a>
            </p>
          </>
        )}
        <p class="muted">{fill(t.deadline, values)}</p>
        <form method="post" action={state.action}>
          <fieldset class="choices">
            <legend>{t.choice}</legend>
            <button type="submit" name="choice" value="yes" data-choice="yes">
              {t.yes}
            </button>
            <button type="submit" name="choice" value="no" data-choice="no">
              {t.no}
            </button>
          </fieldset>
        </form>
      </main>
    ) : (
      <main>
        <h1>{t.title}</h1>
        <p role="status">{fill(t[state.kind], values)}</p>
      </main>
    );
  return page({ lang: options.locale.startsWith('fr') ? 'fr' : 'en', title: t.title, body, css: CSS });
}
