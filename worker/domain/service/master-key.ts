// Whether ASSENT_MASTER_KEY is the key this database was written with: a server started with another one would
// answer 500 for every sealed number and secret, and seal new ones under a key the old ones do not share.
import { openConfig } from '../site/index.ts';
import type { DomainContext } from '../context.ts';

/** What the master key fails to open (`a subscriber's number`, `site X's secrets`), or null when it opens both. */
export async function masterKeyMismatch(ctx: Pick<DomainContext, 'subjects' | 'sites' | 'sealer'>) {
  const subject = await ctx.subjects.anySealed();
  if (subject) {
    const opened = await ctx.sealer.open(subject.wrappedKey!, subject.id, subject.phoneCiphertext!).then(
      () => true,
      () => false,
    );
    if (!opened) return 'the stored phone numbers';
  }
  const site = await ctx.sites.anySealedConfig();
  if (site) {
    const opened = await openConfig(ctx.sealer, site.id, site.config).then(
      () => true,
      () => false,
    );
    if (!opened) return `the secrets of site ${site.id}`;
  }
  return null;
}
