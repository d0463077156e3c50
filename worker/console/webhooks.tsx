// Console page: the site's webhook endpoints (never their secrets) and the last deliveries with what the receiver
// answered; a delivered or failed one can be sent again.
import type { Context, Hono } from 'hono';
import { listDeliveries, listEndpoints, replayDelivery } from '../domain/webhooks/index.ts';
import type { ConsoleEnv } from './http.ts';
import { Csrf, consoleHeaders, consolePage } from './shell.tsx';
import { shellFor } from './shell-data.ts';

async function render(c: Context<ConsoleEnv>, replayed: boolean) {
  const { t, site, ctx } = c.var;
  const w = t.webhooks;
  const endpoints = await listEndpoints(ctx, site);
  const deliveries = await listDeliveries(ctx, site, 50);
  const html = consolePage({
    ...(await shellFor(c)),
    title: w.title,
    current: 'webhooks',
    body: (
      <>
        <p>{w.intro}</p>
        {replayed ? (
          <p role="status" class="ok">
            {w.replayed}
          </p>
        ) : null}
        <h2>{w.endpoints}</h2>
        {endpoints.length === 0 ? (
          <p>{w.none}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{w.kind}</th>
                <th scope="col">{w.url}</th>
                <th scope="col">{w.events}</th>
                <th scope="col">{w.phone}</th>
                <th scope="col">{w.rotating}</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((e) => (
                <tr id={`endpoint-${e.id}`}>
                  <td>{e.kind === 'brevo' ? w.kindBrevo : w.kindStandard}</td>
                  <td>{e.url}</td>
                  <td>{e.events.join(', ')}</td>
                  <td>{e.includePhone ? w.yes : w.no}</td>
                  <td>{e.rotating?.previousUntil ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h2>{w.deliveries}</h2>
        {deliveries.length === 0 ? (
          <p>{w.noDeliveries}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{w.at}</th>
                <th scope="col">{w.event}</th>
                <th scope="col">{w.status}</th>
                <th scope="col">{w.answer}</th>
                <th scope="col">{w.attempts}</th>
                <th scope="col">{w.replay}</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.map((d) => (
                <tr id={`delivery-${d.seq}`}>
                  <td>{d.createdAt}</td>
                  <td>{d.type}</td>
                  <td>{d.status}</td>
                  <td>{d.responseStatus ?? d.lastError ?? '–'}</td>
                  <td>{d.attempts}</td>
                  <td>
                    {d.status === 'delivered' || d.status === 'failed' ? (
                      <form method="post" action={`/console/webhooks/deliveries/${d.seq}/replay`}>
                        <Csrf value={c.get('session').csrf} />
                        <button type="submit">{w.replay}</button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </>
    ),
  });
  return c.body(html, 200, consoleHeaders);
}

export function webhookRoutes(app: Hono<ConsoleEnv>) {
  app.get('/console/webhooks', (c) => render(c, c.req.query('replayed') === '1'));

  app.post('/console/webhooks/deliveries/:seq/replay', async (c) => {
    await replayDelivery(c.get('ctx'), c.get('site'), c.req.param('seq'));
    return c.redirect('/console/webhooks?replayed=1', 303);
  });
}
