// The console's audit trail: every change made in the console, with who and when; the owner reads it in pages and
// exports it whole as CSV (RFC 4180) or NDJSON. No subscriber's number or form value is ever recorded.
import type { AuditRow } from '../../db/console-people.ts';
import type { DomainContext } from '../context.ts';
import { peopleOf } from './passkeys.ts';
import type { ConsoleSession } from './sessions.ts';

export type AuditEntry = AuditRow;
const PAGE = 200;

export async function recordAudit(
  ctx: DomainContext,
  session: Pick<ConsoleSession, 'actor'>,
  siteId: string,
  action: string,
  detail?: Record<string, string | number | boolean | null>,
): Promise<void> {
  await peopleOf(ctx).audit({
    siteId,
    at: ctx.clock(),
    actorId: session.actor.id,
    actorName: session.actor.name,
    action: action.slice(0, 200),
    detail: detail ? JSON.stringify(detail) : null,
  });
}

export const auditPage = (ctx: DomainContext, siteId: string, before?: number) =>
  peopleOf(ctx).auditPage(siteId, PAGE, before);

/** Every entry of the site, newest first, read a page at a time. */
export async function* auditEntries(ctx: DomainContext, siteId: string): AsyncGenerator<AuditEntry> {
  let before: number | undefined;
  for (;;) {
    const rows = await peopleOf(ctx).auditPage(siteId, PAGE, before);
    yield* rows;
    if (rows.length < PAGE) return;
    before = rows[rows.length - 1]!.id;
  }
}

const AUDIT_COLUMNS = ['id', 'at', 'actor_id', 'actor_name', 'action', 'detail'] as const;

/** One CSV cell: quoted when needed; a leading = + - @ is neutralised so a spreadsheet never runs it (OWASP CSV injection). */
function cell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const auditCsvHeader = `${AUDIT_COLUMNS.join(',')}\r\n`;
export const auditCsvLine = (e: AuditEntry) =>
  `${[e.id, new Date(e.at).toISOString(), e.actorId, e.actorName, e.action, e.detail].map(cell).join(',')}\r\n`;
export const auditJsonLine = (e: AuditEntry) =>
  `${JSON.stringify({
    id: e.id,
    at: new Date(e.at).toISOString(),
    actorId: e.actorId,
    actorName: e.actorName,
    action: e.action,
    detail: e.detail ? JSON.parse(e.detail) : null,
  })}\n`;
