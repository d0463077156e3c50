// The HTTP consent lifecycle, walked the same way against every runtime (in-process app, Deno, workerd):
// widget document → opt-in → link read from /dev/outbox → GET/POST /c → send gate → GET/POST /u → proof.
import type { Jwks } from '../../worker/crypto/signing.ts';
import { verifyProof } from '../../worker/verify/verify-proof.ts';
import { expect } from 'vitest';

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

export interface LifecycleTarget {
  fetch: Fetcher;
  /** Platform admin token or the demo site's key: the send gate accepts either. */
  token: string;
  /** Runs the background jobs where the runtime does not on its own (the in-process harness). */
  flush?: () => Promise<void>;
  phone?: string;
  e164?: string;
  /** How long to wait for a message to reach /dev/outbox. */
  waitMs?: number;
}

export function httpFetcher(baseUrl: string): Fetcher {
  const base = baseUrl.replace(/\/$/, '');
  return (path, init) => fetch(`${base}${path}`, { redirect: 'manual', ...init });
}

async function waitForLink(
  target: LifecycleTarget,
  kind: 'c' | 'u',
  to: string,
  seen: number,
): Promise<{ token: string; count: number }> {
  const deadline = Date.now() + (target.waitMs ?? 15_000);
  for (;;) {
    await target.flush?.();
    const res = await target.fetch('/dev/outbox');
    expect(res.status).toBe(200);
    const messages = ((await res.json()) as { to: string; body: string }[]).filter((m) => m.to === to);
    if (messages.length > seen) {
      const match = new RegExp(`/${kind}/([A-Za-z0-9_-]{43})`).exec(messages.at(-1)!.body);
      expect(match, `the new message carries a /${kind}/ link`).not.toBeNull();
      return { token: match![1]!, count: messages.length };
    }
    if (Date.now() > deadline) throw new Error(`no new message in /dev/outbox after ${target.waitMs ?? 15_000} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function gate(target: LifecycleTarget, e164: string) {
  const res = await target.fetch('/v1/sites/demo/subscribers/lookup', {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phone: e164 }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; canSend: boolean };
}

export async function walkLifecycle(target: LifecycleTarget): Promise<{ consentId: string }> {
  const phone = target.phone ?? '06 12 34 56 78';
  const e164 = target.e164 ?? '+33612345678';

  const widget = await target.fetch('/v1/sites/demo/widget?locale=fr');
  expect(widget.status).toBe(200);
  const doc = (await widget.json()) as { textSha256: string; policy: { version: number }; locale: string };
  expect(doc.textSha256).toMatch(/^[0-9a-f]{64}$/);

  const optIn = await target.fetch('/v1/sites/demo/consents', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      phone,
      choice: 'yes',
      locale: doc.locale,
      textSha256: doc.textSha256,
      policyVersion: doc.policy.version,
    }),
  });
  expect(optIn.status).toBe(202);
  const accepted = (await optIn.json()) as { consentId: string; status: string; proofUrl: string };
  expect(accepted.status).toBe('pending');
  expect(accepted.proofUrl).toMatch(new RegExp(`/proofs/${accepted.consentId}$`));
  expect((await gate(target, e164)).status).toBe('pending');

  const confirm = await waitForLink(target, 'c', e164, 0);
  const page = await target.fetch(`/c/${confirm.token}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<form method="post"');
  expect((await gate(target, e164)).status).toBe('pending'); // GET changes nothing

  const confirmed = await target.fetch(`/c/${confirm.token}`, { method: 'POST' });
  expect(confirmed.status).toBe(200);
  expect(await gate(target, e164)).toMatchObject({ status: 'confirmed', canSend: true });

  const unsubscribe = await waitForLink(target, 'u', e164, confirm.count);
  expect((await target.fetch(`/u/${unsubscribe.token}`)).status).toBe(200);
  expect((await gate(target, e164)).status).toBe('confirmed');
  expect((await target.fetch(`/u/${unsubscribe.token}`, { method: 'POST' })).status).toBe(200);
  expect(await gate(target, e164)).toMatchObject({ status: 'withdrawn', canSend: false });

  // The proof, signed and logged by this runtime's WebCrypto, verifies with the keys this runtime publishes, once the
  // runtime's jobs put the last event into a checkpoint (until then it answers 200 and says `pending`).
  type Proof = { receipt: { status: string }; log: { status: string; entries: { leaf: { type: string } }[] } };
  let proof: Proof | undefined;
  for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((r) => setTimeout(r, 200))) {
    await target.flush?.();
    const proofRes = await target.fetch(new URL(accepted.proofUrl).pathname, {
      headers: { accept: 'application/json' },
    });
    expect(proofRes.status).toBe(200);
    proof = (await proofRes.json()) as Proof;
    if (proof.log.status === 'included') break;
  }
  if (!proof) throw new Error('no proof');
  expect(proof.receipt.status).toBe('withdrawn');
  // The changes of state, in order; the SMS the jobs sent meanwhile are logged between them (sms-sent leaves).
  expect(proof.log.entries.map((e) => e.leaf.type).filter((t) => t !== 'sms-sent')).toEqual([
    'requested',
    'confirmed',
    'withdrawn',
  ]);
  expect(proof.log.entries.map((e) => e.leaf.type)).toContain('sms-sent');
  const jwks = await (await target.fetch('/.well-known/jwks.json')).json();
  const log = (await (await target.fetch('/v1/sites/demo/log')).json()) as { verifierKey: string; origin: string };
  const checks = await verifyProof({ proof, jwks: jwks as Jwks, verifierKey: log.verifierKey, origin: log.origin });
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  return { consentId: accepted.consentId };
}
