// Proofs and the transparency log: /proofs/{id} (HTML or JSON), its evidence file, the standalone verifier and the
// page's checks, number match, JWKS, log info, checkpoint, consistency.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { consistency, latestHead, logOrigin, previousVerifierKeys, verifierKey } from '../domain/proof-log/index.ts';
import { evidenceFile } from '../domain/proof-log/index.ts';
import { proofMatches } from '../domain/proof-log/index.ts';
import { iso27560Record, kantaraReceipt, proofSources } from '../domain/proof-log/index.ts';
import { cosignaturesOn } from '../witness/submit.ts';
import { formatTlogProof } from '../witness/tlog-proof.ts';
import { jcsBytes } from '../crypto/jcs.ts';
import { AppError } from '../errors.ts';
import { proofIsland, verifierBundle } from '../generated/verifier.ts';
import { loadSite } from '../domain/site/index.ts';
import { publicJwks } from '../crypto/signing.ts';
import { jsonBody, queryParams, validationErrorFor, wholeNumber } from '../http/body.ts';
import { clientIp, type AppEnv } from '../http/context.ts';
import { conditional } from '../http/conditional.ts';
import { readableAnywhere } from '../http/cors.ts';
import { preferredType } from '../http/negotiate.ts';
import { serveScript } from '../http/script.ts';
import { pageHeaders } from '../pages/layout.tsx';
import { proofPage } from '../pages/proof.tsx';

const PROOF_PAGE_CSP =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const IMMUTABLE = 'public, max-age=31536000, immutable';

function wantsJson(c: Context<AppEnv>, format: string | undefined): boolean {
  if (format !== undefined && format !== 'json' && format !== 'html')
    throw validationErrorFor('format', 'Use json, html, iso27560 or kantara.');
  return (
    format === 'json' ||
    (format !== 'html' && preferredType(c, ['text/html', 'application/json'], 'text/html') === 'application/json')
  );
}

export function proofRoutes() {
  const app = new Hono<AppEnv>();
  // Proofs, keys and the log are public: any page or tool may read them (the match check is not among them).
  const readable = readableAnywhere();
  for (const path of [
    '/proofs/:id',
    '/proofs/:id/evidence',
    '/proofs/:id/tlog-proof',
    '/verify.mjs',
    '/assets/proof-check.js',
    '/.well-known/jwks.json',
    '/v1/sites/:site/log',
    '/v1/sites/:site/log/*',
  ]) {
    app.use(path, readable);
  }

  app.get('/proofs/:id', async (c) => {
    const ctx = c.get('ctx');
    // The same proof in standard forms: ISO/IEC TS 27560 in DPV (JSON-LD), or a Kantara Consent Receipt v1.1. A
    // client asking for JSON-LD by Accept (and no format) gets the first.
    const asked = c.req.query('format');
    const format =
      asked === undefined &&
      preferredType(c, ['text/html', 'application/json', 'application/ld+json'], 'text/html') === 'application/ld+json'
        ? 'iso27560'
        : asked;
    if (format === 'iso27560' || format === 'kantara') {
      c.header('Cache-Control', 'no-cache');
      if (format === 'kantara') return c.json(await kantaraReceipt(ctx, c.req.param('id')));
      const record = await iso27560Record(ctx, c.req.param('id'));
      return c.body(JSON.stringify(record), 200, { 'content-type': 'application/ld+json; charset=utf-8' });
    }
    // The texts the consent cites come with the proof's own reads (two round trips in all, with the site cached).
    const { doc, texts } = await proofSources(ctx, c.req.param('id'), {
      preferCosigned: Boolean(c.get('deps').witnessing),
    });
    c.header('Cache-Control', 'no-cache');
    // Which witnesses cosigned the proof's checkpoint (the lines themselves are in the checkpoint, for verifiers).
    if (wantsJson(c, c.req.query('format')))
      return c.json({
        ...doc,
        log: { ...doc.log, cosignatures: await cosignaturesOn(c.get('deps').witnessing, doc.log.checkpoint) },
      });
    const base = ctx.publicUrl;
    const id = doc.receipt.consentId;
    const site = await loadSite(ctx, doc.receipt.site);
    const html = proofPage(doc, texts ? (JSON.parse(texts.texts) as Record<string, unknown>) : null, {
      timezone: site.config.timezone,
      urls: {
        self: `${base}/proofs/${id}`,
        json: `${base}/proofs/${id}?format=json`,
        evidence: `/proofs/${id}/evidence`,
        jwks: `${base}/.well-known/jwks.json`,
        log: `${base}/v1/sites/${doc.receipt.site}/log`,
        verifier: `${base}/verify.mjs`,
        island: `/assets/proof-check.js?v=${proofIsland.sha256hex.slice(0, 16)}`,
      },
      verifier: verifierBundle,
    });
    // The page's own script checks the proof in the browser: same-origin script and fetches only.
    return c.body(html, 200, {
      ...pageHeaders,
      'Content-Security-Policy': PROOF_PAGE_CSP,
      'Cache-Control': 'no-cache',
    });
  });

  // One file that verifies with no network: keep it, and the consent stays provable without this service.
  app.get('/proofs/:id/evidence', async (c) => {
    const evidence = await evidenceFile(c.get('ctx'), c.req.param('id'), {
      preferCosigned: Boolean(c.get('deps').witnessing),
    });
    return c.body(`${JSON.stringify(evidence, null, 2)}\n`, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="assent-proof-${evidence.receipt.consentId}.json"`,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  // C2SP tlog-proof@v1 for one leaf of the consent (or the log's announcement of its key): `extra` is the leaf's JCS.
  app.get('/proofs/:id/tlog-proof', async (c) => {
    const { index } = queryParams(c, z.object({ index: wholeNumber }));
    const { doc } = await proofSources(c.get('ctx'), c.req.param('id'), {
      preferCosigned: Boolean(c.get('deps').witnessing),
    });
    const entries = [...doc.log.entries, ...(doc.log.keys ?? [])];
    const entry = entries.find((e) => e.index === index && e.inclusion !== null);
    if (!entry || doc.log.checkpoint === null) {
      const known =
        entries
          .filter((e) => e.inclusion !== null)
          .map((e) => e.index)
          .sort((a, b) => a - b)
          .join(', ') || 'none yet';
      throw new AppError(
        'validation_failed',
        422,
        `Leaf ${index} is not a leaf of this consent covered by a checkpoint.`,
        {
          errors: [{ path: 'index', message: `Must be one of: ${known}.` }],
        },
      );
    }
    const text = formatTlogProof({
      index,
      inclusion: entry.inclusion!,
      checkpoint: doc.log.checkpoint,
      extra: jcsBytes(entry.leaf),
    });
    return c.body(text, 200, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': `attachment; filename="assent-proof-${doc.receipt.consentId}-${index}.tlog-proof"`,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.get('/verify.mjs', conditional(), (c) =>
    serveScript(c, verifierBundle.code, { sha256hex: verifierBundle.sha256hex, cacheControl: 'public, max-age=300' }),
  );
  app.get('/assets/proof-check.js', conditional(), (c) =>
    serveScript(c, proofIsland.code, {
      sha256hex: proofIsland.sha256hex,
      cacheControl: c.req.query('v') === proofIsland.sha256hex.slice(0, 16) ? IMMUTABLE : 'no-cache',
    }),
  );

  app.post('/proofs/:id/match', async (c) => {
    const { phone } = await jsonBody(c, z.object({ phone: z.string().max(40) }));
    return c.json({ match: await proofMatches(c.get('ctx'), c.req.param('id'), phone, clientIp(c)) });
  });

  app.get('/.well-known/jwks.json', (c) => {
    c.header('Cache-Control', 'public, max-age=300');
    return c.json(publicJwks(c.get('ctx').keys.ring));
  });

  app.get('/v1/sites/:site/log', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const head = await latestHead(c.get('ctx'), site.id);
    return c.json({
      origin: logOrigin(c.get('ctx'), site.id),
      size: head.size,
      verifierKey: await verifierKey(c.get('ctx'), site.id),
      // Keys of checkpoints signed before a key rotation, so checkpoints saved then still verify.
      previousVerifierKeys: await previousVerifierKeys(c.get('ctx'), site.id),
    });
  });

  app.get('/v1/sites/:site/log/checkpoint', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const head = await latestHead(c.get('ctx'), site.id);
    c.header('Cache-Control', 'no-cache');
    return c.body(head.checkpoint, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });

  app.get('/v1/sites/:site/log/consistency', async (c) => {
    const site = await loadSite(c.get('ctx'), c.req.param('site'));
    const { from, to } = queryParams(
      c,
      z.object({ from: wholeNumber.pipe(z.number().min(1)), to: wholeNumber.pipe(z.number().min(1)) }),
    );
    const hashes = await consistency(c.get('ctx'), site.id, from, to);
    c.header('Cache-Control', 'public, max-age=31536000, immutable');
    return c.json({ from, to, hashes });
  });

  return app;
}
