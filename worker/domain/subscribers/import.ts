// Bringing an existing list in (POST …/subscribers/import): each row's number (normalised to E.164, stored only
// encrypted with its blind index) gets a consent with the status `imported`, and its first leaf, `imported`, logs what
// the site owner declared (when the consent was given, the SHA-256 of where and of the wording asked with), saying it
// was declared by the owner and never confirmed by a double opt-in. GDPR Art. 7(1) puts the burden of proof on the
// controller: a declaration is not a proof, so the gate texts these numbers only while the site allows it and until a
// deadline (config `imports`), and a re-permission campaign (renewals.ts, audience `imported`) turns them into proven
// consents or ends them. Rows are read as they arrive and written in bounded batches; a bad row is refused by line
// and field and never stops the others; a batch that fails is written again row by row, so each row is whole or absent.
import type { Statement } from '../../db/client.ts';
import type { ImportedConsent, ImportedSubject, ImportStanding } from '../../db/imports.ts';
import type { EventRecord } from '../../db/events.ts';
import { newId, sha256Hex } from '../../crypto/tokens.ts';
import { storageFault } from '../../db/faults.ts';
import { AppError } from '../../errors.ts';
import { maskPhone } from '../../sms/mask-phone.ts';
import type { DomainContext } from '../context.ts';
import { newEvent } from '../proof-log/events.ts';
import type { Site } from '../site/sites.ts';
import { erasedMark } from './erased-mark.ts';
import { csvColumns, type ImportField, type ImportFormat, lines, MAX_LINE, parseLine, spanOf } from './import-lines.ts';
import { checkRow, type RefusedRow, type ValidRow } from './import-rows.ts';

export type { RefusedRow } from './import-rows.ts';

/** Rows per import: a larger list is sent in parts (a part sent twice changes nothing). */
export const MAX_IMPORT_ROWS = 100_000;
/** Bytes per import: the rows at their usual size, with room (a row is at most MAX_LINE characters). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Rows written per batch: bounded memory and statements per round trip, whatever the list's size. */
export const IMPORT_BATCH = 500;

export interface ImportOutcome {
  /** Rows that became `imported` consents. */
  imported: number;
  /** Rows whose number already has a consent in force (pending, confirmed or imported), or appears earlier. */
  duplicates: number;
  /** Rows refused because the number said STOP or asked to be erased (also listed in `refused`): never revived. */
  suppressed: number;
  refused: RefusedRow[];
}

/** The latest published policy (in the site's default language if it has one): what the imported consent cites. */
async function currentPolicy(ctx: DomainContext, site: Site) {
  const version = await ctx.policies.latestVersion(site.id);
  const rows = version === null ? [] : await ctx.policies.versionLocales(site.id, version);
  const row = rows.find((r) => r.locale === site.config.defaultLocale) ?? rows[0];
  if (!row)
    throw new AppError('no_policy', 409, 'Publish a privacy policy before importing: each imported consent cites it.');
  return row;
}

/** What importing one row writes (its new subject, if the number is new; its consent and first leaf), or what it is instead. */
async function rowPlan(
  ctx: DomainContext,
  site: Site,
  policy: { version: number; sha256: string; locale: string },
  row: ValidRow,
  standing: ImportStanding | undefined,
  wordingSha256: (wording: string) => Promise<string>,
  now: number,
): Promise<
  | { kind: 'suppressed' | 'duplicate' }
  | { kind: 'write'; subject: ImportedSubject | null; consent: ImportedConsent; event: EventRecord }
> {
  if (standing?.suppressed) return { kind: 'suppressed' };
  if (standing?.active) return { kind: 'duplicate' };
  let subject: ImportedSubject | null = null;
  let subjectId = standing?.subjectId ?? null;
  if (subjectId === null || !standing?.wrappedKey) {
    subjectId = newId(ctx.random, ctx.clock());
    const {
      wrappedKey,
      sealed: [phoneCiphertext],
    } = await ctx.sealer.newSubject(subjectId, [row.e164]);
    subject = {
      id: subjectId,
      siteId: site.id,
      phoneIndex: row.phoneIndex,
      phoneCiphertext: phoneCiphertext!,
      wrappedKey,
      country: row.country,
      masked: maskPhone(row.e164),
      createdAt: now,
      erasedAt: null,
      // The retention clock starts at the consent the owner declared, the last contact the subscriber initiated.
      lastContactAt: row.consentedAt,
    };
  }
  const consentId = newId(ctx.random, ctx.clock());
  const sha = await wordingSha256(row.wording);
  // Only the hash is logged: the leaf is public and never erased, the text goes with the consent at erasure.
  const sourceSha256 = await sha256Hex(row.source);
  const event = await newEvent(ctx, {
    siteId: site.id,
    consentId,
    type: 'imported',
    at: now,
    prev: null,
    details: {
      basis: 'imported',
      // What this leaf is: a declaration, not a proof (docs/formats.md).
      declaredBy: 'site-owner',
      doubleOptIn: false,
      consentedAt: new Date(row.consentedAt).toISOString(),
      sourceSha256,
      wordingSha256: sha,
      locale: policy.locale,
      policyVersion: policy.version,
      policySha256: policy.sha256,
    },
  });
  const consent: ImportedConsent = {
    id: consentId,
    siteId: site.id,
    subjectId,
    status: 'imported',
    basis: 'consent',
    locale: policy.locale,
    policyVersion: policy.version,
    policySha256: policy.sha256,
    textSha256: sha,
    noticeText: row.wording,
    importSource: row.source,
    collectionMethod: 'import',
    // No link confirms an import or unsubscribes from it (a re-permission campaign asks, STOP ends it): stand-ins
    // no token hashes to (a SHA-256 is 64 hex digits), unique and ordered like the consent's id (one index page
    // for a batch's rows, not a random page per row).
    confirmTokenHash: `imported:${consentId}`,
    unsubscribeTokenHash: `imported:${consentId}`,
    requestedAt: now,
    expiresAt: now,
    updatedAt: now,
    lastOpId: newId(ctx.random, ctx.clock()),
    guard: { phoneIndex: row.phoneIndex, mark: erasedMark(row.phoneIndex) },
  };
  return { kind: 'write', subject, consent, event };
}

/**
 * Imports the list in `body` (CSV with the header `phone,consentedAt,source,wording`, or NDJSON objects with those
 * fields). Throws before reading when the site has no published policy; a 413 past `maxRows` rows (MAX_IMPORT_ROWS unless a test says less) (the rows
 * before it are imported, and sending them again changes nothing).
 */
export async function importList(
  ctx: DomainContext,
  site: Site,
  body: ReadableStream<Uint8Array>,
  format: ImportFormat,
  { maxRows = MAX_IMPORT_ROWS }: { maxRows?: number } = {},
): Promise<ImportOutcome> {
  const policy = await currentPolicy(ctx, site);
  const outcome: ImportOutcome = { imported: 0, duplicates: 0, suppressed: 0, refused: [] };
  // Lists repeat one wording: its hash is computed once per distinct text (a few entries, bounded).
  const hashes = new Map<string, Promise<string>>();
  const wordingSha256 = (wording: string) => {
    let hash = hashes.get(wording);
    if (!hash) {
      if (hashes.size > 100) hashes.clear();
      hash = sha256Hex(wording);
      hashes.set(wording, hash);
    }
    return hash;
  };
  let columns: Record<ImportField, number> | null = null;
  let rows = 0;
  let batch: ValidRow[] = [];
  const flush = async () => {
    if (batch.length > 0) await writeBatch(ctx, site, policy, batch, outcome, wordingSha256);
    batch = [];
  };
  for await (const line of lines(body, MAX_IMPORT_BYTES, format === 'csv')) {
    if (format === 'csv' && columns === null) {
      if ('tooLong' in line) throw new AppError('validation_failed', 422, 'The CSV header line is too long.');
      columns = csvColumns(line.text);
      continue;
    }
    if (++rows > maxRows) {
      await flush();
      throw new AppError(
        'import_too_large',
        413,
        `At most ${maxRows} rows per import: the rows up to line ${line.line - 1} were read (see the counts); send the rest as another import (rows sent twice are duplicates, never imported twice).`,
        {
          errors: [{ path: '(body)', message: `At most ${maxRows} rows per import.` }],
          extensions: { limit: maxRows, ...outcome },
        },
      );
    }
    if ('tooLong' in line) {
      outcome.refused.push({
        line: line.line,
        field: '(line)',
        message: `${spanOf(line)}Longer than the ${MAX_LINE} characters a row may hold.`,
      });
      continue;
    }
    const parsed = parseLine(format, line, columns);
    if ('field' in parsed) {
      outcome.refused.push(parsed);
      continue;
    }
    const checked = checkRow(site, ctx.clock(), parsed.line, parsed.fields);
    if ('field' in checked) outcome.refused.push(checked);
    else batch.push(checked);
    if (batch.length >= IMPORT_BATCH) await flush();
  }
  if (format === 'csv' && columns === null)
    throw new AppError('validation_failed', 422, 'The list is empty: a CSV list starts with its header.', {
      errors: [{ path: '(header)', message: 'Missing.' }],
    });
  await flush();
  outcome.refused.sort((a, b) => a.line - b.line);
  return outcome;
}

/**
 * Writes a batch of checked rows: one read of their numbers' standing, then one atomic batch. Should it fail (a number
 * another writer took meanwhile breaks a unique index), each row is written again alone, after a fresh read.
 */
async function writeBatch(
  ctx: DomainContext,
  site: Site,
  policy: { version: number; sha256: string; locale: string },
  rows: ValidRow[],
  outcome: ImportOutcome,
  wordingSha256: (wording: string) => Promise<string>,
) {
  await Promise.all(
    rows.map(async (row) => {
      row.phoneIndex = await ctx.sealer.blindIndex(site.id, row.e164);
    }),
  );
  // A number twice in the list: its first row counts, the others are duplicates.
  const seen = new Set<string>();
  const unique: ValidRow[] = [];
  for (const row of rows) {
    if (seen.has(row.phoneIndex)) outcome.duplicates++;
    else {
      seen.add(row.phoneIndex);
      unique.push(row);
    }
  }
  try {
    await attempt(ctx, site, policy, unique, outcome, wordingSha256);
  } catch (error) {
    if (storageFault(error)) throw error;
    for (const row of unique) {
      try {
        await attempt(ctx, site, policy, [row], outcome, wordingSha256);
      } catch (rowError) {
        if (storageFault(rowError)) throw rowError;
        outcome.refused.push({
          line: row.line,
          field: 'phone',
          message: 'The number changed on the site while it was imported: send this row again.',
        });
      }
    }
  }
}

async function attempt(
  ctx: DomainContext,
  site: Site,
  policy: { version: number; sha256: string; locale: string },
  rows: ValidRow[],
  outcome: ImportOutcome,
  wordingSha256: (wording: string) => Promise<string>,
) {
  const standings = new Map(
    (
      await ctx.imports.standings(
        site.id,
        rows.map((r) => ({ phoneIndex: r.phoneIndex, mark: erasedMark(r.phoneIndex) })),
      )
    ).map((s) => [s.phoneIndex, s]),
  );
  const now = ctx.clock();
  const tally = { suppressed: [] as ValidRow[], duplicates: 0 };
  const subjects: ImportedSubject[] = [];
  const consents: ImportedConsent[] = [];
  const events: { event: EventRecord; opId: string }[] = [];
  // The rows' keys, ciphertexts and leaf hashes at once: WebCrypto runs them off the main thread, in parallel.
  const plans = await Promise.all(
    rows.map((row) => rowPlan(ctx, site, policy, row, standings.get(row.phoneIndex), wordingSha256, now)),
  );
  for (const [i, plan] of plans.entries()) {
    const row = rows[i]!;
    if (plan.kind === 'write') {
      if (plan.subject) subjects.push(plan.subject);
      consents.push(plan.consent);
      events.push({ event: plan.event, opId: plan.consent.lastOpId });
    } else if (plan.kind === 'suppressed') tally.suppressed.push(row);
    else tally.duplicates++;
  }
  const written = consents.map((c) => ({ consentId: c.id }));
  const statements: Statement[] = [
    ...(subjects.length > 0 ? [ctx.imports.insertSubjects(subjects)] : []),
    ...(consents.length > 0
      ? [ctx.imports.insertConsents(consents), ...ctx.imports.appendFirstEvents(site.id, events)]
      : []),
  ];
  let committed = new Set<string>();
  if (statements.length > 0) {
    const results = await ctx.store.batch([
      ...(statements as [Statement, ...Statement[]]),
      ctx.imports.written(written.map((w) => w.consentId)),
    ]);
    committed = new Set((results.at(-1) as { id: string }[]).map((r) => r.id));
  }
  // Counted only once the batch committed: a failed batch is counted by its rows' second attempt.
  for (const row of tally.suppressed) {
    outcome.suppressed++;
    outcome.refused.push({
      line: row.line,
      field: 'phone',
      message: 'This number opted out (STOP) or asked to be erased: an import never brings it back.',
    });
  }
  outcome.duplicates += tally.duplicates;
  for (const w of written) {
    // A guard that held back the write: an opt-in, a STOP or another import of the number committed since the read.
    if (committed.has(w.consentId)) outcome.imported++;
    else outcome.duplicates++;
  }
}
