// Grows a site's log fast for tests: events appended through the repository (as the app writes them), in batches,
// then integrated; and a second site made through the API.
import type { Statement } from '../../worker/db/client.ts';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { newEvent } from '../../worker/domain/proof-log/events.ts';
import { catchUp } from '../../worker/domain/proof-log/transparency-log.ts';
import { ADMIN_TOKEN, json, type Harness } from '../harness.ts';

/** Appends `count` `requested` events (consent `consentOf(i)`, default one consent per 3 leaves) and integrates them. */
export async function growLog(
  h: Harness,
  count: number,
  options: { siteId?: string; consentOf?: (i: number) => string; integrate?: boolean } = {},
): Promise<void> {
  const siteId = options.siteId ?? 'demo';
  const consentOf = options.consentOf ?? ((i: number) => `Cn${String(Math.floor(i / 3)).padStart(20, '0')}`);
  for (let start = 0; start < count; start += 300) {
    const statements: Statement[] = [];
    for (let i = start; i < Math.min(count, start + 300); i++) {
      const event = await newEvent(h.ctx, {
        siteId,
        consentId: consentOf(i),
        type: 'requested',
        at: h.now() + i,
        details: { method: 'widget' },
      });
      statements.push(...h.ctx.events.append(event));
    }
    await h.ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
  if (options.integrate !== false) await catchUp(h.ctx, siteId);
}

/** A second site, `id`, with the demo's configuration. */
export async function otherSite(h: Harness, id = 'other'): Promise<void> {
  const res = await h.app.request(
    '/v1/sites',
    json({ id, config: demoSiteConfig }, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  );
  if (res.status !== 201) throw new Error(`site creation answered ${res.status}: ${await res.text()}`);
}
