// Dev mode's /demo: a plain shop page embedding the real widget with its one script tag, and what happens next,
// SMS by SMS: each message shown is rendered by the same code and templates (templates/sms/) that send it.
import { systemMessage, type SystemMessageKind } from '../sms/template.ts';
import { page } from './layout.tsx';

export interface DemoPageOptions {
  site: string;
  scriptUrl: string;
  /** Base of the links the messages carry. */
  publicUrl: string;
  locales: string[];
  /** How long a request waits for its confirmation (the site's pendingTtlHours). */
  pendingTtlHours: number;
  program: { name: string; helpContact: string; frequency: Record<string, string>; shortCode?: string };
}

const CSS = `code{background:#8882;padding:.1rem .3rem;border-radius:.25rem}pre{white-space:pre-wrap}
.sms{white-space:pre-wrap;border-left:4px solid var(--accent);padding:.25rem .75rem;margin:.5rem 0;font-family:ui-monospace,monospace;font-size:.9rem}
.sms span{display:block;font:600 .8rem system-ui,sans-serif;color:var(--muted)}`;

/** One step of the flow: when it is sent, what it holds, and the text itself in each locale. */
interface Step {
  kind: SystemMessageKind;
  when: string;
  holds: string;
}

const steps = (ttlHours: number): Step[] => [
  {
    kind: 'confirm-request',
    when: `Right after “Yes” (the number is now pending; it expires after ${ttlHours} hours without confirmation).`,
    holds:
      'A link to the confirmation page (/c/…; opening it changes nothing, its button confirms) and the other way to ' +
      'confirm: reply OUI or YES. No marketing is sent before confirmation.',
  },
  {
    kind: 'confirmed',
    when: 'Once the subscriber confirms, from the link or by replying OUI/YES.',
    holds:
      'The subscriber’s own link (/u/…): their consents with the proof and the evidence file to download, a button ' +
      'to unsubscribe, and one to erase their number. The proof link itself is on that page and on the confirmation ' +
      'page, not in any SMS.',
  },
  {
    kind: 'opt-out-ack',
    when: 'When the subscriber replies STOP (or ARRET, STOP in any case or accent…): every consent is withdrawn at once.',
    holds: 'The acknowledgement, and how to come back (START). It is the only message without the STOP mention.',
  },
  {
    kind: 'help',
    when: 'When the subscriber replies HELP or AIDE.',
    holds: 'The help contact and the message frequency from the site’s program.',
  },
  {
    kind: 'opt-in-ack',
    when: 'When a number that had stopped replies START.',
    holds: 'A link to sign up again (the hosted page): START lifts the block but restores no consent by itself.',
  },
];

export function demoPage(options: DemoPageOptions): string {
  const { site, scriptUrl, publicUrl, program } = options;
  const example = (kind: SystemMessageKind, locale: string) =>
    systemMessage(kind, locale, {
      program: program.name,
      ...(program.shortCode ? { shortCode: program.shortCode } : {}),
      url: kind === 'confirm-request' ? `${publicUrl}/c/…` : `${publicUrl}/s/${site}`,
      unsubscribeUrl: `${publicUrl}/u/…`,
      helpContact: program.helpContact,
      frequency: program.frequency[locale] ?? Object.values(program.frequency)[0] ?? '',
    });
  return page({
    lang: 'en',
    title: `${program.name} — Assent demo`,
    css: CSS,
    body: (
      <main>
        <h1>{program.name}</h1>
        <p>This page embeds the opt-in widget exactly as a site owner would:</p>
        <pre>
          <code>{`<script src="${scriptUrl}" data-site="${site}" async></script>`}</code>
        </pre>
        <script src={scriptUrl} data-site={site} async />
        <h2>Follow the flow</h2>
        <ol>
          <li>
            Give a French mobile number (e.g. 06 12 34 56 78) and choose “Yes”. The widget speaks your browser’s
            language when the site offers it ({options.locales.join(', ')}), and so do the SMS.
          </li>
          <li>
            Open <a href="/dev/outbox">/dev/outbox</a>: in dev mode the messages are not sent but listed there, with
            their links.
          </li>
          <li>Follow the confirmation link and confirm; then follow the link in the next SMS to see your own page.</li>
        </ol>
        <h2>What each SMS holds</h2>
        <p>
          Every message starts with the sender’s name and, except the STOP acknowledgement, ends with the opt-out
          mention. The texts below are rendered by the code that sends them (links shortened to “…”).
        </p>
        {steps(options.pendingTtlHours).map((step) => (
          <section>
            <h3>{step.when}</h3>
            <p>{step.holds}</p>
            {options.locales.map((locale) => (
              <p class="sms" lang={locale}>
                <span>{locale}</span>
                {example(step.kind, locale)}
              </p>
            ))}
          </section>
        ))}
        <p>
          Also: the <a href={`/s/${site}`}>hosted page</a> (works without JavaScript), the{' '}
          <a href={`/p/${site}`}>privacy policy</a>, and the <a href={`/v1/sites/${site}/log`}>public log</a>.
        </p>
      </main>
    ),
  });
}
