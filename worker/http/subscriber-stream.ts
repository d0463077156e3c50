// Every subscriber of a site as one streamed CSV or NDJSON file, page by page (the stream holds one page at a
// time, never the whole list): the API's list export and the console's download are the same file.
import type { DomainContext } from '../domain/context.ts';
import type { Site } from '../domain/site/index.ts';
import { listSubscribers, type SubscriberRow } from '../domain/subscribers/index.ts';
import { csvCell } from './csv.ts';

/** Rows per keyset page of a streamed export. */
export const STREAM_PAGE = 300;

/** subscriberId last: it was added after the first exports, and readers of those keep their column positions. */
const CSV_COLUMNS: (keyof SubscriberRow)[] = [
  'phone',
  'status',
  'consentId',
  'proofUrl',
  'locale',
  'policyVersion',
  'requestedAt',
  'confirmedAt',
  'withdrawnAt',
  'renewalRequired',
  'subscriberId',
];

export function subscriberStream(
  ctx: DomainContext,
  site: Site,
  options: { format: 'csv' | 'ndjson'; status?: SubscriberRow['status']; cursor?: string },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const line = (r: SubscriberRow) =>
    options.format === 'csv' ? `${CSV_COLUMNS.map((k) => csvCell(r[k])).join(',')}\r\n` : `${JSON.stringify(r)}\n`;
  let cursor = options.cursor ?? '';
  let headerSent = options.format !== 'csv';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(',')}\r\n`));
        headerSent = true;
        return;
      }
      const page = await listSubscribers(ctx, site, {
        limit: STREAM_PAGE,
        cursor,
        ...(options.status ? { status: options.status } : {}),
      });
      const text = page.rows.map(line).join('');
      if (text) controller.enqueue(encoder.encode(text));
      if (!page.nextCursor) controller.close();
      else cursor = page.nextCursor;
    },
  });
}

/** The headers of the download (CSV: an attachment named for the site). */
export function subscriberStreamHeaders(siteId: string, format: 'csv' | 'ndjson'): Record<string, string> {
  return format === 'csv'
    ? {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${siteId}-subscribers.csv"`,
      }
    : { 'Content-Type': 'application/x-ndjson; charset=utf-8' };
}
