// Development page: what the console SMS provider "sent", newest first, links clickable, and a reply box per
// message (OUI, STOP or any text) that the server signs and posts to the generic inbound webhook.
import { page } from './layout.tsx';

export interface OutboxEntry {
  id: string;
  to: string;
  body: string;
  createdAt: string;
  site: string;
}

const URL_RE = /(https?:\/\/[^\s]+)/g;

function Linked(props: { text: string }) {
  return <>{props.text.split(URL_RE).map((part, i) => (i % 2 === 1 ? <a href={part}>{part}</a> : part))}</>;
}

export function outboxPage(o: { messages: OutboxEntry[]; replied: string | null; answered?: boolean }): string {
  return page({
    lang: 'en',
    title: 'Dev outbox',
    css: 'main{overflow-wrap:anywhere}article{border-bottom:1px solid var(--muted);padding:.5rem 0}pre{white-space:pre-wrap}input{font:inherit;padding:.4rem}form{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center}',
    body: (
      <main>
        <h1>Dev outbox</h1>
        <p class="muted">Messages the console provider “sent” (development mode only). Reply as the phone would.</p>
        {o.replied ? (
          <p role="status" id="replied">
            Reply handled: <strong>{o.replied}</strong>.{' '}
            {o.answered
              ? 'The answer sent back is the newest message below.'
              : 'No answer is sent back: the reply was not a keyword (STOP, HELP or AIDE, OUI or YES, START).'}
          </p>
        ) : null}
        {o.messages.length === 0 ? <p>No message yet.</p> : null}
        {o.messages.map((m, i) => (
          <article>
            <h2 style="font-size:1rem">
              {m.id.startsWith('answer-') ? 'Answer to your reply, to' : 'To'} {m.to} · {m.site} ·{' '}
              <time datetime={m.createdAt}>{m.createdAt}</time>
            </h2>
            <pre>
              <Linked text={m.body} />
            </pre>
            <form method="post" action="/dev/outbox/reply">
              <input type="hidden" name="site" value={m.site} />
              <input type="hidden" name="from" value={m.to} />
              <label for={`reply-${i}`}>Reply</label>
              <input id={`reply-${i}`} name="body" value="OUI" />
              <button type="submit">Send reply</button>
            </form>
          </article>
        ))}
      </main>
    ),
  });
}
