// Conditional GET (If-None-Match → 304) for the public documents caches keep: the widget, its document, policies,
// the verifier scripts.
// Hono's etag compares weakly, as RFC 9110 asks of If-None-Match, so the W/ validator of a compressed copy still
// revalidates; the 304 keeps the headers a cross-origin reader needs.
import { etag, RETAINED_304_HEADERS } from 'hono/etag';

export function conditional() {
  return etag({
    retainedHeaders: [
      ...RETAINED_304_HEADERS,
      'access-control-allow-origin',
      'cross-origin-resource-policy',
      'timing-allow-origin',
    ],
  });
}
