// The witness role over HTTP (C2SP tlog-witness v1.0): POST /witness/add-checkpoint, GET /witness (our vkey) and the
// monitoring endpoint GET /witness/<hex sha256(origin)>/checkpoint. 404 everywhere when this server is no witness.
import { Hono, type Context } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../http/context.ts';
import { readableAnywhere } from '../http/cors.ts';
import { addCheckpoint, originForHash, type WitnessRole } from '../witness/witness.ts';

/** A checkpoint with 16 signatures and 63 proof lines is ~5 KiB; the app bounds every body at 16 KiB already. */
const MAX_BODY = 16 * 1024;

function role(c: Context<AppEnv>): WitnessRole {
  const witness = c.get('deps').witness;
  if (!witness) throw new AppError('not_found', 404, 'This server is not a witness (ASSENT_WITNESS_KEY is unset).');
  return witness;
}

export function witnessRoutes() {
  const app = new Hono<AppEnv>();
  app.use('/witness', readableAnywhere());
  app.use('/witness/:hash/checkpoint', readableAnywhere());

  app.post('/witness/add-checkpoint', async (c) => {
    const witness = role(c);
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.length > MAX_BODY) {
      throw new AppError('body_too_large', 413, `The body is larger than ${MAX_BODY} bytes.`, {
        errors: [{ path: '(body)', message: `At most ${MAX_BODY} bytes.` }],
      });
    }
    const result = await addCheckpoint(witness, c.get('ctx').witness, body, c.get('ctx').clock());
    c.header('Cache-Control', 'no-store');
    // §add-checkpoint: a 409 body is the size held, in decimal and a newline, typed text/x.tlog.size.
    if (result.status === 409) return c.body(`${result.size}\n`, 409, { 'Content-Type': 'text/x.tlog.size' });
    return c.body(result.lines, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/witness', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.body(`${role(c).vkey}\n`, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/witness/:hash/checkpoint', async (c) => {
    const witness = role(c);
    const hash = c.req.param('hash');
    if (!/^[0-9a-f]{64}$/.test(hash)) {
      throw new AppError('not_found', 404, 'Expected the lowercase hex SHA-256 of a log origin.', {
        errors: [{ path: 'hash', message: 'Must be 64 lowercase hex digits.' }],
      });
    }
    const origin = await originForHash(witness, hash);
    const stored = origin ? await c.get('ctx').witness.checkpoint(origin) : null;
    if (!stored) throw new AppError('not_found', 404, 'This witness has cosigned no checkpoint of that log.');
    c.header('Cache-Control', 'no-cache');
    return c.body(stored.checkpoint, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });
  return app;
}
