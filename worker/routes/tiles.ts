// Each site's log at its origin's URL as C2SP tlog-tiles: /log/{site}/checkpoint, /log/{site}/tile/<L>/<N>[.p/<W>]
// and /log/{site}/tile/entries/<N>[.p/<W>], readable by anyone (monitors, witnesses, Go's sumdb/tlog).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { MAX_TILE_PATH, parseTilePath, type TileName } from '../crypto/tiles.ts';
import { latestHead } from '../domain/proof-log/index.ts';
import { loadSite } from '../domain/site/index.ts';
import { readTile } from '../domain/proof-log/index.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { readableAnywhere } from '../http/cors.ts';

/** A tile's bytes never change once served (see readTile), partial ones included. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const tileSchema = z
  .string()
  .max(MAX_TILE_PATH)
  .transform(
    (path, check) => parseTilePath(path) ?? (check.addIssue({ code: 'custom', message: 'not a tile' }), z.NEVER),
  );

/** The tile named after `/log/{site}/tile/`; anything else is a 400 naming the path. */
function tileOf(path: string, site: string): TileName {
  // The site segment holds no slash, so the tile's path starts right after it.
  const rest = path.slice(path.indexOf('/tile/', '/log/'.length + site.length) + '/tile/'.length);
  const parsed = tileSchema.safeParse(rest);
  if (parsed.success) return parsed.data;
  throw new AppError('invalid_tile_path', 400, 'Not a tlog-tiles path.', {
    errors: [
      {
        path: 'tile',
        message:
          'Use tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]: L 0–63, N in 3-digit elements (x001/234), W 1–255.',
      },
    ],
  });
}

export function tileRoutes() {
  const app = new Hono<AppEnv>();
  for (const path of ['/log/:site/checkpoint', '/log/:site/tile/*']) app.use(path, readableAnywhere());

  // The same signed checkpoint as /v1/sites/{site}/log/checkpoint; it moves, so caches revalidate.
  app.get('/log/:site/checkpoint', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const head = await latestHead(c.get('ctx'), site.id);
    return c.body(head.checkpoint, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
  });

  const serveTile = async (c: Context<AppEnv>) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site')!);
    const bytes = await readTile(c.get('ctx'), site.id, tileOf(c.req.path, c.req.param('site')!));
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': IMMUTABLE,
      'X-Content-Type-Options': 'nosniff',
    });
  };
  // One handler for both: the tile's name is read from the path as the spec writes it (tileOf).
  app.get('/log/:site/tile/entries/:index{.+}', serveTile);
  app.get('/log/:site/tile/:tile{.+}', serveTile);

  return app;
}
