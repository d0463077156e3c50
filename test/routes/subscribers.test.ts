// Subscriber administration: the gate by lookup and by id, the bulk gate, the streamed list, access export and
// erasure — numbers only in bodies, subscribers named by an opaque id scoped to their site.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoSiteConfig } from '../../worker/domain/dev/demo-site.ts';
import { csvCell } from '../../worker/http/csv.ts';
import { STREAM_PAGE } from '../../worker/http/subscriber-stream.ts';
import { createClient } from '@libsql/client';
import { libsqlStore } from '../../worker/db/libsql.ts';
import { seedConfirmed, seededPhone } from './seed-subscribers.ts';
import { ADMIN_TOKEN, json, linkToken, makeHarness, optIn, type Harness } from '../harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(async () => h.close());
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
const auth = { headers: admin };

async function confirmed(phone: string, to: string) {
  await optIn(h, phone);
  await h.flush();
  await h.app.request(`/c/${linkToken(h, 'c', to)}`, { method: 'POST' });
}

const lookup = async (phone: string, headers: Record<string, string> = admin, site = 'demo') => {
  const res = await h.app.request(`/v1/sites/${site}/subscribers/lookup`, json({ phone }, headers));
  return { status: res.status, body: (await res.json()) as any };
};

const check = async (phones: unknown, headers: Record<string, string> = admin) => {
  const res = await h.app.request('/v1/sites/demo/subscribers/check', json({ phones }, headers));
  return { status: res.status, body: (await res.json()) as any };
};

describe('lookup and the subscriber id', () => {
  it('answers the gate by number in the body, then the same answer by its opaque id', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const { status, body } = await lookup('+33 6 12 34 56 78');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      maskedPhone: '+33 6 •• •• •• 78',
      status: 'confirmed',
      canSend: true,
      suppressed: false,
      renewalRequired: false,
    });
    expect(body).not.toHaveProperty('reason');
    expect(body.proofUrl).toMatch(/^https:\/\/assent\.test\/proofs\/[A-Za-z0-9_-]{22}$/);
    expect(body.subscriberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(body.subscriberId).not.toMatch(/12345678|0612/);
    expect(JSON.stringify(body)).not.toContain('612345678');
    // Stable: every form of the number and every later call give the same id.
    expect((await lookup('0612345678')).body.subscriberId).toBe(body.subscriberId);

    const byId = await h.app.request(`/v1/sites/demo/subscribers/${body.subscriberId}`, auth);
    expect(byId.status).toBe(200);
    expect(byId.headers.get('cache-control')).toBe('no-store');
    expect(await byId.json()).toEqual(body);
  });

  it('an unknown number is 200 with status none and no subscriberId; a STOPped one says suppressed', async () => {
    expect((await lookup('06 98 76 54 32')).body).toMatchObject({
      subscriberId: null,
      status: 'none',
      canSend: false,
      reason: 'no-consent',
    });
    await h.ctx.store.batch([
      h.ctx.subjects.suppress('demo', await h.ctx.sealer.blindIndex('demo', '+33698765432'), 'withdrawn:sms', h.now()),
    ]);
    expect((await lookup('06 98 76 54 32')).body).toMatchObject({
      subscriberId: null,
      status: 'none',
      canSend: false,
      reason: 'suppressed',
      suppressed: true,
    });
  });

  it('says why it may not send: pending, withdrawn', async () => {
    await optIn(h, '06 12 34 56 78');
    expect((await lookup('0612345678')).body).toMatchObject({
      status: 'pending',
      canSend: false,
      reason: 'not-confirmed',
    });
    await h.flush();
    await h.app.request(`/c/${linkToken(h, 'c')}`, { method: 'POST' });
    await h.flush();
    await h.app.request(`/u/${linkToken(h, 'u')}`, { method: 'POST' });
    expect((await lookup('0612345678')).body).toMatchObject({
      status: 'withdrawn',
      canSend: false,
      reason: 'withdrawn',
      suppressed: true,
    });
  });

  it("one site's key never resolves another site's subscriber: 404, and nothing is erased", async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const { subscriberId } = (await lookup('0612345678')).body;
    const created = await h.app.request(
      '/v1/sites',
      json({ id: 'other', config: { ...demoSiteConfig, name: 'Other' } }, admin),
    );
    const { apiKey } = (await created.json()) as { apiKey: string };
    const other = { authorization: `Bearer ${apiKey}` };
    for (const [method, path] of [
      ['GET', `/v1/sites/other/subscribers/${subscriberId}`],
      ['GET', `/v1/sites/other/subscribers/${subscriberId}/export`],
      ['DELETE', `/v1/sites/other/subscribers/${subscriberId}`],
    ] as const) {
      const res = await h.app.request(path, { method, headers: other });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      // The platform admin on the wrong site gets the same 404.
      expect((await h.app.request(path, { method, headers: admin })).status).toBe(404);
    }
    // The same number on the other site is a different subscriber with a different id.
    expect((await lookup('0612345678', other, 'other')).body).toMatchObject({ subscriberId: null, status: 'none' });
    // And the other site's key on demo's path is refused outright.
    expect((await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { headers: other })).status).toBe(403);
    expect((await lookup('0612345678')).body).toMatchObject({ status: 'confirmed', canSend: true });
  });
});

describe('the bulk gate', () => {
  it('answers in the order given, without echoing a number, invalid entries in their place', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    await optIn(h, '07 81 22 33 44');
    const phones = [
      '+33781223344',
      'not a number',
      '06 12 34 56 78',
      '06 98 76 54 32',
      '+33612345678',
      '01 23 45 67 89',
    ];
    const { status, body } = await check(phones);
    expect(status).toBe(200);
    expect(body.results).toEqual([
      { canSend: false, status: 'pending', reason: 'not-confirmed' },
      { canSend: false, status: 'invalid' },
      { canSend: true, status: 'confirmed' },
      { canSend: false, status: 'none', reason: 'no-consent' },
      { canSend: true, status: 'confirmed' },
      { canSend: false, status: 'invalid' },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/\d{6}/);
  });

  it('answers 1,000 numbers with one read of the store, and the same as one lookup each', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const phones = Array.from({ length: 1000 }, (_, i) => `+3361${String(i).padStart(7, '0')}`);
    phones[777] = '+33612345678';
    const reads: string[] = [];
    const db = h.ctx.store.db as unknown as { session: { client: { execute: (...a: any[]) => any } } };
    const execute = db.session.client.execute.bind(db.session.client);
    db.session.client.execute = (stmt: any, ...rest: any[]) => {
      const sql = typeof stmt === 'string' ? stmt : stmt.sql;
      if (/phone_index" in/i.test(sql)) reads.push(sql);
      return execute(stmt, ...rest);
    };
    const { body } = await check(phones);
    expect(reads).toHaveLength(1);
    expect(body.results).toHaveLength(1000);
    expect(body.results.filter((r: any) => r.canSend)).toEqual([{ canSend: true, status: 'confirmed' }]);
    expect(body.results[777]).toEqual({ canSend: true, status: 'confirmed' });
  });

  it('takes 1,000 numbers in their longest national forms (a body over the usual 16 KB), and no more than 64 KB', async () => {
    const phones = Array.from(
      { length: 1000 },
      (_, i) =>
        `+33 (0)6 10 ${String(i)
          .padStart(4, '0')
          .replace(/(..)(..)/, '$1 $2')} 00`,
    );
    expect(JSON.stringify({ phones }).length).toBeGreaterThan(16 * 1024);
    const { status, body } = await check(phones);
    expect(status).toBe(200);
    expect(body.results).toHaveLength(1000);
    expect(body.results[0]).toEqual({ canSend: false, status: 'none', reason: 'no-consent' });
    const tooBig = await h.app.request(
      '/v1/sites/demo/subscribers/check',
      json({ phones: Array(1000).fill('6'.repeat(40)), pad: 'x'.repeat(30_000) }, admin),
    );
    expect(tooBig.status).toBe(413);
    // Elsewhere the usual limit holds.
    const lookupBig = await h.app.request(
      '/v1/sites/demo/subscribers/lookup',
      json({ phone: '0612345678', pad: 'x'.repeat(17_000) }, admin),
    );
    expect(lookupBig.status).toBe(413);
  });

  it("answers more numbers than the store's bound-parameter limit (D1: 100) in one statement, every number in order", async () => {
    const client = createClient({ url: ':memory:' });
    const inLists: number[] = [];
    const execute = client.execute.bind(client);
    client.execute = ((stmt: any, ...rest: any[]) => {
      if (typeof stmt === 'object' && /phone_index" in/i.test(stmt.sql)) {
        inLists.push(stmt.args.length);
        if (stmt.args.length > 10) throw new Error('too many bound parameters');
      }
      return execute(stmt, ...rest);
    }) as typeof client.execute;
    const small = await makeHarness({ store: { ...libsqlStore(client), maxBoundParameters: 10 } });
    try {
      await seedConfirmed(small, 30);
      const phones = Array.from({ length: 40 }, (_, i) => seededPhone(i)); // 30 known, then 10 unknown
      phones.push(seededPhone(3), 'nope');
      const res = await small.app.request('/v1/sites/demo/subscribers/check', json({ phones }, admin));
      const { results } = (await res.json()) as { results: { status: string }[] };
      expect(results.map((r) => r.status)).toEqual([
        ...Array(30).fill('confirmed'),
        ...Array(10).fill('none'),
        'confirmed',
        'invalid',
      ]);
      // 40 distinct numbers in one statement of two parameters: the site id and the numbers as one JSON array.
      expect(inLists).toEqual([2]);
    } finally {
      await small.close();
    }
  });

  it('refuses an empty list, more than 1,000, and entries that are not strings, naming the field', async () => {
    for (const [phones, path] of [
      [[], 'phones'],
      [Array(1001).fill('0612345678'), 'phones'],
      [['0612345678', 42], 'phones.1'],
      ['0612345678', 'phones'],
    ] as const) {
      const { status, body } = await check(phones);
      expect(status).toBe(422);
      expect(body.errors.map((e: any) => e.path)).toContain(path);
    }
  });
});

describe('the list', () => {
  it('lists in JSON pages, NDJSON and CSV, each row with its subscriberId', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    await confirmed('07 81 22 33 44', '+33781223344');
    await optIn(h, '06 98 76 54 32');
    const page = (await (
      await h.app.request('/v1/sites/demo/subscribers?status=confirmed&limit=1', auth)
    ).json()) as any;
    expect(page.subscribers).toHaveLength(1);
    const next = (await (
      await h.app.request(`/v1/sites/demo/subscribers?status=confirmed&limit=1&cursor=${page.nextCursor}`, auth)
    ).json()) as any;
    expect(next.subscribers).toHaveLength(1);
    expect(new Set([page.subscribers[0].phone, next.subscribers[0].phone])).toEqual(
      new Set(['+33612345678', '+33781223344']),
    );
    expect(page.subscribers[0].subscriberId).toBe((await lookup(page.subscribers[0].phone)).body.subscriberId);
    const ndjson = await h.app.request('/v1/sites/demo/subscribers?format=ndjson', auth);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await ndjson.text()).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).status).sort()).toEqual(['confirmed', 'confirmed', 'pending']);
    const csv = (await (await h.app.request('/v1/sites/demo/subscribers?format=csv&status=pending', auth)).text())
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'phone,status,consentId,proofUrl,locale,policyVersion,requestedAt,confirmedAt,withdrawnAt,renewalRequired,subscriberId',
    );
    expect(csv).toHaveLength(2);
    expect(csv[1]).toMatch(/^"\+33698765432","pending",/);
    expect((await h.app.request('/v1/sites/demo/subscribers?format=xml', auth)).status).toBe(422);
  });

  it('streams more rows than two pages, each exactly once and in order, in NDJSON and CSV', async () => {
    const n = STREAM_PAGE * 2 + 7;
    await seedConfirmed(h, n);
    const ndjson = (
      await (await h.app.request('/v1/sites/demo/subscribers?status=confirmed&format=ndjson', auth)).text()
    )
      .trim()
      .split('\n');
    const ids = ndjson.map((l) => JSON.parse(l).consentId as string);
    expect(new Set(ids).size).toBe(n);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ndjson.map((l) => JSON.parse(l).phone)).size).toBe(n);
    const csv = (await (await h.app.request('/v1/sites/demo/subscribers?status=confirmed&format=csv', auth)).text())
      .trim()
      .split('\r\n');
    expect(csv).toHaveLength(n + 1);
    // From a cursor on: only what follows it.
    const rest = (
      await (
        await h.app.request(`/v1/sites/demo/subscribers?status=confirmed&format=ndjson&cursor=${ids[n - 3]}`, auth)
      ).text()
    )
      .trim()
      .split('\n');
    expect(rest.map((l) => JSON.parse(l).consentId)).toEqual(ids.slice(n - 2));
  });

  it('refuses a query parameter it does not take, naming it: a number asked for in the URL points to the lookup', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const byPhone = await h.app.request('/v1/sites/demo/subscribers?phone=%2B33612345678', auth);
    const text = await byPhone.text();
    expect(byPhone.status, text).toBe(422);
    expect(byPhone.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = JSON.parse(text);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toEqual([
      { path: 'phone', message: expect.stringContaining('POST /v1/sites/demo/subscribers/lookup') },
    ]);
    // Neither the list nor the number comes back.
    expect(text).not.toMatch(/33612345678|subscriberId/);
    const typo = await h.app.request('/v1/sites/demo/subscribers?status=confirmed&stauts=pending', auth);
    expect(typo.status).toBe(422);
    expect(((await typo.json()) as any).errors.map((e: any) => e.path)).toEqual(['stauts']);
    // Every documented parameter still works, together.
    const page = await h.app.request('/v1/sites/demo/subscribers?status=confirmed&format=json&limit=5&cursor=a', auth);
    expect(page.status).toBe(200);
  });

  it('CSV cells cannot become spreadsheet formulas', () => {
    for (const hostile of ['=HYPERLINK("http://x")', '+1+cmd|calc', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      expect(csvCell(hostile).startsWith(`"'`)).toBe(true);
    }
    expect(csvCell('+33612345678')).toBe('"+33612345678"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('""');
  });
});

describe('access and erasure by id', () => {
  it('exports everything held about a subscriber, then erases it for good', async () => {
    await confirmed('06 12 34 56 78', '+33612345678');
    const { subscriberId } = (await lookup('0612345678')).body;
    const exp = (await (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}/export`, auth)).json()) as any;
    expect(exp).toMatchObject({ subscriberId, phone: '+33612345678', site: 'demo', suppressed: false });
    expect(exp.consents).toHaveLength(1);
    expect(exp.consents[0].events.map((e: any) => e.type).filter((t: string) => t !== 'sms-sent')).toEqual([
      'requested',
      'confirmed',
    ]);
    expect(exp.consents[0].messages.map((m: any) => m.kind).sort()).toEqual(['confirm-request', 'confirmed']);

    const del = await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { ...auth, method: 'DELETE' });
    expect(await del.json()).toEqual({ erased: 1 });
    const subject = await h.ctx.subjects.byId(subscriberId);
    expect(subject).toMatchObject({ phoneCiphertext: null, wrappedKey: null, masked: '•••' });
    // The id still answers the gate (erased, suppressed), but there is nothing left to export or erase.
    const gate = (await (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, auth)).json()) as any;
    expect(gate).toMatchObject({
      subscriberId,
      maskedPhone: '•••',
      status: 'erased',
      canSend: false,
      reason: 'erased',
      suppressed: true,
    });
    // By number it is no longer found (nothing kept singles the number out): only its shared suppression mark answers.
    expect((await lookup('0612345678')).body).toMatchObject({
      subscriberId: null,
      status: 'none',
      canSend: false,
      reason: 'suppressed',
      suppressed: true,
    });
    expect((await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}/export`, auth)).status).toBe(404);
    expect(
      (await h.app.request(`/v1/sites/demo/subscribers/${subscriberId}`, { ...auth, method: 'DELETE' })).status,
    ).toBe(404);
    const proof = (await (
      await h.app.request(`/proofs/${exp.consents[0].consentId}`, { headers: { accept: 'application/json' } })
    ).json()) as any;
    expect(proof.receipt.status).toBe('erased');
    expect(proof.receipt.subject.phone).toBe('•••');

    // A new explicit opt-in later starts afresh, as a new subscriber (the erased one cannot be linked to the number).
    expect((await optIn(h, '06 12 34 56 78')).status).toBe(202);
    const again = (await lookup('0612345678')).body;
    expect(again).toMatchObject({ status: 'pending' });
    expect(again.subscriberId).not.toBe(subscriberId);
  });
});
