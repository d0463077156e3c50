// A leaf appended under a consent's chain head (consentsRepo.chainAt), alone or with "this message is recorded as sent
// here" (outboxRepo.markSentWith), runs as prepared statements and still writes nothing once the head has moved or
// the message was not recorded here: the guard is the batch's, whatever form its statements take.
import { afterEach, describe, expect, it } from 'vitest';
import { makeHarness, type Harness } from '../harness.ts';
import { frenchMobile, requestOptIn } from '../sms/fixtures.ts';
import type { Statement } from '../../worker/db/client.ts';
import { READS_ONLY } from '../../worker/db/prepared.ts';
import { newEvent } from '../../worker/domain/proof-log/events.ts';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

async function consentWithSentSms() {
  h = await makeHarness();
  const consentId = await requestOptIn(h, frenchMobile(7).national);
  await h.flush(); // the confirmation SMS: its sms-sent leaf appended under chainAt + the sent mark
  const consent = (await h.ctx.consents.byId(consentId))!;
  const leaves = await h.ctx.events.leavesForConsent('demo', consentId);
  return { consentId, consent, leaves };
}

const leafOf = (consentId: string, at: number) =>
  newEvent(h.ctx, { siteId: 'demo', consentId, type: 'delivery', at, details: { status: 'delivered' } });

describe('a leaf appended under a chain head', () => {
  it('moves the head when it is still the one named, as prepared statements', async () => {
    const { consentId, consent, leaves } = await consentWithSentSms();
    // The SMS's leaf went in under the prepared guard: it is the head now.
    expect(leaves.map((l) => l.eventId)).toHaveLength(2);
    expect(consent.chainHash).toBe(leaves.at(-1)!.leafHash);

    const event = await leafOf(consentId, h.now());
    const statements = h.ctx.events.append(event, h.ctx.consents.chainAt(consentId, consent.chainHash));
    // Bound prepared statements carry the read-only mark (false here); a query built per call does not.
    for (const statement of statements) expect(READS_ONLY in (statement as object)).toBe(true);
    await h.ctx.store.batch(statements as [Statement, ...Statement[]]);

    const after = (await h.ctx.consents.byId(consentId))!;
    expect(after.chainHash).toBe(event.leafHash);
    expect((await h.ctx.events.leavesForConsent('demo', consentId)).map((l) => l.eventId)).toContain(event.id);
  });

  it('writes nothing once the head has moved on, or when none is named and one exists', async () => {
    const { consentId, consent } = await consentWithSentSms();
    for (const stale of ['not-the-head', null]) {
      const event = await leafOf(consentId, h.now());
      await h.ctx.store.batch(
        h.ctx.events.append(event, h.ctx.consents.chainAt(consentId, stale)) as [Statement, ...Statement[]],
      );
      const events = await h.ctx.events.forConsent(consentId);
      expect(events.map((e) => e.id)).not.toContain(event.id);
      expect((await h.ctx.events.leavesForConsent('demo', consentId)).map((l) => l.eventId)).not.toContain(event.id);
      expect((await h.ctx.consents.byId(consentId))!.chainHash).toBe(consent.chainHash);
    }
  });

  it('with the sent mark, writes nothing for a message this claim did not record as sent', async () => {
    const { consentId, consent } = await consentWithSentSms();
    const [message] = await h.ctx.outbox.forConsent(consentId);
    const event = await leafOf(consentId, h.now());
    const { recorded } = await h.ctx.outbox.markSentWith(message!.id, 'another-claim', 'SM-x', h.now(), (sent) => [
      ...h.ctx.events.append(event, h.ctx.consents.chainAt(consentId, consent.chainHash, sent)),
    ]);
    expect(recorded).toBe(false);
    expect((await h.ctx.events.forConsent(consentId)).map((e) => e.id)).not.toContain(event.id);
    expect((await h.ctx.consents.byId(consentId))!.chainHash).toBe(consent.chainHash);
  });
});
