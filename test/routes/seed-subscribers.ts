// Seeds many confirmed subscribers straight through the repositories (sealed numbers, blind indexes), far faster
// than the double opt-in itself: for tests of paging and for the export bench.
import type { Statement } from '../../worker/db/client.ts';
import type { DomainContext } from '../../worker/domain/context.ts';
import { maskPhone } from '../../worker/sms/mask-phone.ts';

/** French mobile numbers +33 6 10 00 00 00 onwards, one per index. */
export const seededPhone = (i: number) => `+3361${String(i).padStart(7, '0')}`;

export async function seedConfirmed(
  h: { ctx: DomainContext; now(): number },
  count: number,
  options: { site?: string; batch?: number; from?: number } = {},
): Promise<void> {
  const { ctx } = h;
  const site = options.site ?? 'demo';
  const policy = await ctx.policies.get(site, 1, 'fr');
  if (!policy) throw new Error('the site has no policy version 1 in fr');
  const size = options.batch ?? 250;
  const now = h.now();
  for (let start = 0; start < count; start += size) {
    const statements: Statement[] = [];
    for (let i = start; i < Math.min(count, start + size); i++) {
      const n = (options.from ?? 0) + i;
      const e164 = seededPhone(n);
      const subjectId = `seed${String(n).padStart(18, '0')}`;
      const {
        wrappedKey,
        sealed: [phoneCiphertext],
      } = await ctx.sealer.newSubject(subjectId, [e164]);
      statements.push(
        ctx.subjects.insert({
          id: subjectId,
          siteId: site,
          phoneIndex: await ctx.sealer.blindIndex(site, e164),
          phoneCiphertext: phoneCiphertext!,
          wrappedKey,
          country: 'FR',
          masked: maskPhone(e164),
          createdAt: now,
        }),
        ctx.consents.insert({
          id: `c${String(n).padStart(21, '0')}`,
          siteId: site,
          subjectId,
          status: 'confirmed',
          locale: 'fr',
          policyVersion: 1,
          policySha256: policy.sha256,
          textSha256: '0'.repeat(64),
          collectionMethod: 'widget',
          confirmTokenHash: `seed-confirm-${n}`,
          unsubscribeTokenHash: `seed-unsubscribe-${n}`,
          requestedAt: now,
          expiresAt: now + 86_400_000,
          confirmedAt: now,
          confirmMethod: 'link',
          updatedAt: now,
          lastOpId: `op${n}`,
        }),
      );
    }
    await ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
}
