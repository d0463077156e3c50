// The plain page a person sees on the hosted form or a link page when storage is down: nothing was recorded, retry.
import { page, pageHeaders } from './layout.tsx';

export function unavailablePage(retryAfterSeconds: number): { html: string; headers: Record<string, string> } {
  const html = page({
    lang: 'en',
    title: 'Temporarily unavailable',
    body: (
      <main>
        <h1>Temporarily unavailable</h1>
        <p>We could not record your request just now, so nothing was changed.</p>
        <p>Please try again in a moment: go back and send the form again, or reload this page.</p>
      </main>
    ),
  });
  return { html, headers: { ...pageHeaders, 'Retry-After': String(retryAfterSeconds) } };
}
