// Database round trips per hot route, read from Server-Timing (the server runs with ASSENT_SERVER_TIMING=1): one
// request of each, as a warm server serves them, printed as a table beside the budgets (test/storage/trips.ts).

export const CASES = {
  widget: 'widget document (cached)',
  consent: 'consent POST',
  confirm: 'confirm POST',
  gate: 'gate (lookup POST)',
  bulk: 'bulk gate (check, 1000)',
  proof: 'proof GET',
} as const;
const BUDGETS: Record<string, number> = {
  [CASES.widget]: 0,
  [CASES.consent]: 3,
  [CASES.confirm]: 3,
  [CASES.gate]: 1,
  [CASES.bulk]: 1,
  [CASES.proof]: 2,
};

function tripsOf(res: Response): number {
  const match = /\bdb;dur=([\d.]+);desc="(\d+)"/.exec(res.headers.get('server-timing') ?? '');
  if (!match) throw new Error(`${res.url}: no Server-Timing db entry (is ASSENT_SERVER_TIMING=1?)`);
  return Number(match[2]);
}

/** Waits for the /c/ link sent to `to` (dev outbox) and returns its token. */
export async function confirmToken(base: string, to: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const outbox = (await (await fetch(`${base}/dev/outbox`)).json()) as { to: string; body: string }[];
    const token = /\/c\/([A-Za-z0-9_-]{43})/.exec(outbox.find((m) => m.to === to)?.body ?? '')?.[1];
    if (token) return token;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no confirmation link for ${to}`);
}

export async function printRoundTrips(
  base: string,
  auth: Record<string, string>,
  doc: { textSha256: string; policyVersion: number; locale: string },
  bulkPhones: string[],
): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  const measure = async (name: string, res: Promise<Response>) => {
    const r = await res;
    if (!r.ok) throw new Error(`${name}: ${r.status} ${await r.text()}`);
    rows.set(name, tripsOf(r));
    return r;
  };
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  await fetch(`${base}/v1/sites/demo/widget?locale=${doc.locale}`);
  await measure(CASES.widget, fetch(`${base}/v1/sites/demo/widget?locale=${doc.locale}`));
  const phone = '+33780000001';
  const res = await measure(
    CASES.consent,
    post('/v1/sites/demo/consents', { phone: '07 80 00 00 01', choice: 'yes', ...doc }),
  );
  const { consentId } = (await res.json()) as { consentId: string };
  await measure(CASES.confirm, fetch(`${base}/c/${await confirmToken(base, phone)}`, { method: 'POST' }));
  await post('/v1/sites/demo/subscribers/lookup', { phone }, auth);
  await measure(CASES.gate, post('/v1/sites/demo/subscribers/lookup', { phone }, auth));
  await measure(CASES.bulk, post('/v1/sites/demo/subscribers/check', { phones: bulkPhones }, auth));
  await measure(CASES.proof, fetch(`${base}/proofs/${consentId}`, { headers: { accept: 'application/json' } }));

  console.log(`\n${'route'.padEnd(28)}${'round trips'.padStart(12)}${'budget'.padStart(8)}`);
  for (const [name, n] of rows)
    console.log(
      `${name.padEnd(28)}${String(n).padStart(12)}${String(BUDGETS[name] ?? '').padStart(8)}${n > (BUDGETS[name] ?? Infinity) ? '  OVER' : ''}`,
    );
  return rows;
}
