// The hook the CORS code calls when it refuses an origin: noted for the console's "origins refused lately", after
// the response and never failing it (a diagnostic must not cost the visitor anything).
import { noteRefusedOrigin } from '../domain/console-stats.ts';
import type { AppContext } from '../http.ts';

export function recordRefusedOrigin(c: AppContext, siteId: string, origin: string): void {
  const { ctx, deps } = c.var;
  const task = () => noteRefusedOrigin(ctx, siteId, origin).catch(() => undefined);
  if (deps.background) deps.background(task);
  else void task();
}
