// The console overview: the numbers the send gate allows, consents by status, requests and confirmations over 7 and 30 days, the all-time opt-in
// rate (the "no" answers are one counter, by design), recent events with masked numbers, and the log's head.
import { storeKey } from '../../db/client.ts';
import { consoleStatsRepo } from '../../db/console-stats.ts';
import { refusedOriginsRepo } from '../../db/console-sessions.ts';
import type { DomainContext } from '../context.ts';
import { latestHead } from '../proof-log/transparency-log.ts';
import { importsStanding } from '../site/config.ts';
import type { Site } from '../site/sites.ts';

const DAY = 24 * 3600_000;
const STATUSES = ['pending', 'confirmed', 'imported', 'withdrawn', 'expired', 'erased'] as const;

export interface WindowStats {
  days: number;
  requested: number;
  confirmed: number;
  /** confirmed ÷ requested, or null with nothing requested. */
  confirmationRate: number | null;
}

export interface Overview {
  /**
   * Numbers, one each however many requests they made (consents are counted below): the site's, erased ones left out,
   * and those the send gate lets the site text today (a consent confirmed, or imported while imports stand; neither
   * suppressed nor awaiting renewal).
   */
  numbers: { known: number; sendable: number };
  counts: Record<(typeof STATUSES)[number], number>;
  total: number;
  declines: number;
  /** yes ÷ (yes + no) over all time, or null before any answer. */
  optInRate: number | null;
  windows: WindowStats[];
  recent: { type: string; at: number; masked: string | null; consentId: string | null }[];
  log: { size: number; checkpoint: string; updatedAt: number };
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

export async function overview(ctx: DomainContext, site: Site): Promise<Overview> {
  const siteId = site.id;
  const stats = consoleStatsRepo(ctx.store);
  const now = ctx.clock();
  const [numbers, byStatus, declines, recent, head, ...windows] = await Promise.all([
    stats.numbers(siteId),
    stats.countsByStatus(siteId),
    stats.declines(siteId),
    stats.recentEvents(siteId, 10),
    latestHead(ctx, siteId),
    ...[7, 30].map(async (days) => ({ days, ...(await stats.window(siteId, now - days * DAY)) })),
  ]);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, byStatus[s] ?? 0])) as Overview['counts'];
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const imports = importsStanding(site.config, now) === 'allowed' ? numbers.imported : 0;
  return {
    numbers: { known: numbers.known, sendable: numbers.confirmed + imports },
    counts,
    total,
    declines,
    optInRate: ratio(total, total + declines),
    windows: windows.map((w) => ({ ...w, confirmationRate: ratio(w.confirmed, w.requested) })),
    recent: recent.map((r) => ({ type: r.type, at: r.at, masked: r.masked, consentId: r.consentId })),
    log: { size: head.size, checkpoint: head.checkpoint, updatedAt: head.updatedAt },
  };
}

// Refused origins: one write per (site, origin) per minute per process at most, so a page hammering us costs little.
const RECORD_EVERY_MS = 60_000;
const recorded = new WeakMap<object, Map<string, number>>();

/** Notes a refused CORS origin for the console (bounded per site; an origin names a host, not a person). */
export async function noteRefusedOrigin(ctx: DomainContext, siteId: string, origin: string): Promise<void> {
  if (origin.length > 200 || !/^[a-z][a-z0-9+.-]*:\/\/[^\s/]+$/i.test(origin)) return;
  const now = ctx.clock();
  const key = `${siteId}\u0000${origin.toLowerCase()}`;
  // Keyed by the database, not the request's view of it (a new object per request when round trips are counted).
  let lastRecorded = recorded.get(storeKey(ctx.store));
  if (!lastRecorded) recorded.set(storeKey(ctx.store), (lastRecorded = new Map()));
  const last = lastRecorded.get(key);
  if (last !== undefined && now - last < RECORD_EVERY_MS && now >= last) return;
  if (lastRecorded.size > 5000) lastRecorded.clear();
  lastRecorded.set(key, now);
  await refusedOriginsRepo(ctx.store).record(siteId, origin.toLowerCase(), now);
}

export const refusedOrigins = (ctx: DomainContext, siteId: string) => refusedOriginsRepo(ctx.store).list(siteId);
