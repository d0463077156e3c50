// The widget document for a site and locale, and the record of every text hash served (a submission must cite one).
import { AppError } from '../errors.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import type { DomainContext } from './context.ts';
import type { Site } from './sites.ts';
import { widgetDocument, type WidgetDocument } from './widget-texts.ts';

// Remembered (site, hash) pairs per database: the insert is skipped once this process has stored it.
const rememberedByStore = new WeakMap<object, Set<string>>();

export async function currentWidget(
  ctx: DomainContext,
  site: Site,
  locale?: string | null,
): Promise<{ document: WidgetDocument; etag: string }> {
  const version = await ctx.policies.latestVersion(site.id);
  if (version === null) {
    throw new AppError('no_policy', 409, `Site "${site.id}" has no published privacy policy yet; publish one first.`);
  }
  const document = await widgetDocument({
    site: site.id,
    config: site.config,
    locale: locale ?? null,
    policy: { version, url: `${ctx.publicUrl}/p/${site.id}/${version}` },
  });
  const key = `${site.id}:${document.textSha256}`;
  let remembered = rememberedByStore.get(ctx.store);
  if (!remembered) rememberedByStore.set(ctx.store, (remembered = new Set()));
  if (!remembered.has(key)) {
    await ctx.policies.rememberTexts({
      siteId: site.id,
      sha256: document.textSha256,
      locale: document.locale,
      policyVersion: version,
      texts: JSON.stringify(document.texts),
      firstServedAt: ctx.clock(),
    });
    if (remembered.size > 10_000) remembered.clear();
    remembered.add(key);
  }
  const etag = `"${(await sha256Hex(JSON.stringify(document))).slice(0, 32)}"`;
  return { document, etag };
}
