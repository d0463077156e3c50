// Dev mode's /demo: a plain shop page embedding the real widget with its one script tag, and links to follow
// the whole flow (the outbox with confirmation links, the hosted page, the policy).
import { page } from './layout.tsx';

export function demoPage(options: { site: string; scriptUrl: string }): string {
  return page({
    lang: 'en',
    title: 'Demo Shop — Assent demo',
    css: 'code{background:#8882;padding:.1rem .3rem;border-radius:.25rem}',
    body: (
      <main>
        <h1>Demo Shop</h1>
        <p>This page embeds the opt-in widget exactly as a site owner would:</p>
        <pre>
          <code>{`<script src="${options.scriptUrl}" data-site="${options.site}" async></script>`}</code>
        </pre>
        <script src={options.scriptUrl} data-site={options.site} async />
        <h2>Follow the flow</h2>
        <ol>
          <li>Give a French mobile number (e.g. 06 12 34 56 78) and choose “Yes”.</li>
          <li>
            Open <a href="/dev/outbox">/dev/outbox</a>: the confirmation SMS is there with its link.
          </li>
          <li>Follow the link and confirm; the next SMS has the unsubscribe link and the proof.</li>
        </ol>
        <p>
          Also: the <a href={`/s/${options.site}`}>hosted page</a> (works without JavaScript), the{' '}
          <a href={`/p/${options.site}`}>privacy policy</a>, and the <a href={`/v1/sites/${options.site}/log`}>public log</a>.
        </p>
      </main>
    ),
  });
}
