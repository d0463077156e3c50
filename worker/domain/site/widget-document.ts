// The widget document for a site and locale, and the record of every text hash served (a submission must cite one).
// Serving reads at most the latest policy version (kept a few seconds); the record is written once per process and
// best-effort, so a database that cannot write (full, read-only) still serves the widget.
import { storeKey } from '../../db/client.ts';
import { storageFault } from '../../db/faults.ts';
import { AppError, notFound } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import type { Site } from './sites.ts';
import { widgetDocument, type WidgetDocument } from './widget-texts.ts';

type Ctx = Pick<DomainContext, 'store' | 'policies' | 'publicUrl' | 'clock' | 'logger'>;

// (site, hash) pairs stored by this process, per database: the insert is skipped once it has succeeded.
const rememberedByStore = new WeakMap<object, Set<string>>();
// (site, hash) pairs served while storage refused to record them: a submission citing one is a storage fault (retry),
// not stale texts (reload).
const unrecordedByStore = new WeakMap<object, Set<string>>();

/** True when this process served these texts but storage could not record them (submissions then answer 503). */
export function servedUnrecorded(ctx: Pick<Ctx, 'store'>, siteId: string, sha256: string): boolean {
  return unrecordedByStore.get(storeKey(ctx.store))?.has(`${siteId}:${sha256}`) ?? false;
}

// Documents served, per database and site, for a few seconds like the site configuration they are made from: a
// document is rebuilt when the site's configuration object changes, after DOCUMENT_TTL_MS, or at once when a policy
// version is published in this process (other processes see it within VERSION_TTL_MS).
const DOCUMENT_TTL_MS = 5_000;
interface Cached {
  site: Site;
  document: WidgetDocument;
  until: number;
}
const documentsByStore = new WeakMap<object, Map<string, Map<string, Cached>>>();

// The latest policy version per database and site, for VERSION_TTL_MS: it changes only when a version is published
// (at once in this process, see forgetWidget), and a document citing the previous version stays valid meanwhile. So
// a widget document costs at most one read (the site's configuration) once the first one was served.
const VERSION_TTL_MS = 30_000;
const versionsByStore = new WeakMap<object, Map<string, { version: number; until: number }>>();

async function latestVersion(ctx: Ctx, siteId: string, now: number): Promise<number | null> {
  const key = storeKey(ctx.store);
  let versions = versionsByStore.get(key);
  if (!versions) versionsByStore.set(key, (versions = new Map()));
  const hit = versions.get(siteId);
  if (hit && hit.until > now && hit.until - VERSION_TTL_MS <= now) return hit.version;
  const version = await ctx.policies.latestVersion(siteId);
  if (version !== null) {
    if (versions.size > 1000) versions.clear();
    versions.set(siteId, { version, until: now + VERSION_TTL_MS });
  }
  return version;
}

function documentsFor(ctx: Pick<Ctx, 'store'>, siteId: string): Map<string, Cached> {
  const key = storeKey(ctx.store);
  let bySite = documentsByStore.get(key);
  if (!bySite) documentsByStore.set(key, (bySite = new Map()));
  let byLocale = bySite.get(siteId);
  if (!byLocale) {
    if (bySite.size > 1000) bySite.clear();
    bySite.set(siteId, (byLocale = new Map()));
  }
  return byLocale;
}

/** Drops a site's cached documents (a policy version was just published). */
export function forgetWidget(ctx: Pick<Ctx, 'store'>, siteId: string): void {
  documentsByStore.get(storeKey(ctx.store))?.delete(siteId);
  versionsByStore.get(storeKey(ctx.store))?.delete(siteId);
}

export async function currentWidget(
  ctx: Ctx,
  site: Site,
  locale?: string | null,
): Promise<{ document: WidgetDocument }> {
  const cached = documentsFor(ctx, site.id);
  const now = ctx.clock();
  const hit = cached.get(locale ?? '');
  if (hit && hit.site === site && hit.until > now && hit.until - DOCUMENT_TTL_MS <= now) return hit;

  const version = await latestVersion(ctx, site.id, now);
  if (version === null) {
    throw new AppError('no_policy', 409, `Site "${site.id}" has no published privacy policy yet; publish one first.`);
  }
  const document = await widgetDocument({
    site: site.id,
    config: site.config,
    locale: locale ?? null,
    policy: { version, url: `${ctx.publicUrl}/p/${site.id}/${version}` },
  });
  // Cached only once its texts are on record, so a document served while storage was failing is written next time.
  if (await rememberTexts(ctx, site, document, version)) {
    if (cached.size > 50) cached.clear();
    cached.set(locale ?? '', { site, document, until: now + DOCUMENT_TTL_MS });
  }
  return { document };
}

/** Records the texts a document shows; false when storage could not take the write (the document is still served). */
async function rememberTexts(ctx: Ctx, site: Site, document: WidgetDocument, version: number): Promise<boolean> {
  const key = `${site.id}:${document.textSha256}`;
  let remembered = rememberedByStore.get(storeKey(ctx.store));
  if (!remembered) rememberedByStore.set(storeKey(ctx.store), (remembered = new Set()));
  if (remembered.has(key)) return true;
  try {
    await ctx.policies.rememberTexts({
      siteId: site.id,
      sha256: document.textSha256,
      locale: document.locale,
      policyVersion: version,
      texts: JSON.stringify(document.texts),
      firstServedAt: ctx.clock(),
    });
  } catch (error) {
    const fault = storageFault(error);
    if (!fault) throw error;
    ctx.logger.warn('widget texts not recorded', { siteId: site.id, reason: fault.reason });
    let unrecorded = unrecordedByStore.get(storeKey(ctx.store));
    if (!unrecorded) unrecordedByStore.set(storeKey(ctx.store), (unrecorded = new Set()));
    if (unrecorded.size > 10_000) unrecorded.clear();
    unrecorded.add(key);
    return false;
  }
  unrecordedByStore.get(storeKey(ctx.store))?.delete(key);
  if (remembered.size > 10_000) remembered.clear();
  remembered.add(key);
  return true;
}

// Widget builds stored, per database: the current one is written once per process, when first served.
const storedBundles = new WeakMap<object, Promise<boolean>>();

/**
 * Keeps the build being served available at its hashed URL after an upgrade. Best-effort: when storage cannot write,
 * the script is still served and the write is tried again on a later request.
 */
export function rememberBundle(
  ctx: Pick<DomainContext, 'store' | 'policies' | 'clock' | 'logger'>,
  bundle: { sha256: string; code: string },
): Promise<boolean> {
  const key = storeKey(ctx.store);
  let done = storedBundles.get(key);
  if (!done) {
    done = ctx.policies.rememberBundle(bundle.sha256, bundle.code, ctx.clock()).then(
      () => true,
      (error: unknown) => {
        storedBundles.delete(key);
        const fault = storageFault(error);
        if (!fault) throw error;
        ctx.logger.warn('widget build not recorded', { reason: fault.reason });
        return false;
      },
    );
    storedBundles.set(key, done);
  }
  return done;
}

/** The hashed URL a build is pinned at (with Subresource Integrity): an upgrade never breaks a page that pinned one. */
export const widgetPath = (bundle: { sha256: string }) => `/widget-${bundle.sha256.slice(0, 16)}.js`;

/** The build at a hashed URL: the one being served, or an earlier one this server served; a 404 otherwise. */
export async function widgetBuild(
  ctx: Pick<DomainContext, 'policies'>,
  prefix: string,
  current: { sha256: string; code: string },
): Promise<{ sha256: string; code: string }> {
  if (current.sha256.startsWith(prefix)) return current;
  const earlier = await ctx.policies.bundleByPrefix(prefix);
  if (!earlier) throw notFound('No widget build with this hash.');
  return earlier;
}
