// Marketing sends: one rendered template to every confirmed, current, unsuppressed subscriber, through the outbox,
// inside the site's sending hours. Transactional messages (confirmations, replies) never wait for these hours.
import type { Statement } from '../../db/client.ts';
import { sha256Hex, newId } from '../../crypto/tokens.ts';
import { nextAllowedSendTime } from '../../sms/quiet-hours.ts';
import { previewMessage, type MessagePreview, type TemplateVariables } from '../../sms/template.ts';
import type { DomainContext } from '../context.ts';
import { quietHoursOf } from '../site/config.ts';
import { assertMarketingSender } from '../site/french-rules.ts';
import type { Site } from '../site/sites.ts';

export interface SendRequest {
  template: string;
  variables: TemplateVariables;
  transliterate?: boolean;
  /** Same key, same send: a retried request queues nothing twice. */
  idempotencyKey?: string;
  /**
   * The purpose of this send. Existing customers (article L34-5 CPCE) get it only when it is their record's purpose;
   * without one, they get nothing.
   */
  purpose?: string | undefined;
}

export interface SendReport {
  queued: number;
  skipped: { reason: 'renewal_required' | 'suppressed' | 'erased' | 'purpose_not_covered'; count: number }[];
  sendAt: string;
  quietHours: boolean;
  message: MessagePreview;
}

export function preview(
  site: Site,
  req: Omit<SendRequest, 'idempotencyKey'>,
  locale = site.config.defaultLocale,
): MessagePreview {
  return previewMessage({
    template: req.template,
    variables: req.variables,
    locale,
    senderName: site.config.program.name,
    ...(site.config.program.shortCode ? { shortCode: site.config.program.shortCode } : {}),
    ...(req.transliterate ? { transliterate: true } : {}),
  });
}

export async function sendMarketing(ctx: DomainContext, site: Site, req: SendRequest): Promise<SendReport> {
  assertMarketingSender(site.config);
  const message = preview(site, req);
  const text = req.transliterate && message.transliterated ? message.transliterated.text : message.text;
  const now = ctx.clock();
  const sendAt = nextAllowedSendTime(new Date(now), quietHoursOf(site.config)).getTime();
  const skipped = { renewal_required: 0, suppressed: 0, erased: 0, purpose_not_covered: 0 };
  let queued = 0;
  let after = '';
  for (;;) {
    const page = await ctx.consents.confirmedPage(site.id, after, 200);
    if (page.length === 0) break;
    after = page[page.length - 1]!.consentId;
    const statements: Statement[] = [];
    for (const row of page) {
      if (row.renewalRequired) skipped.renewal_required++;
      else if (row.suppressed) skipped.suppressed++;
      else if (!row.wrappedKey) skipped.erased++;
      else if (row.basis === 'existing_customer' && (!req.purpose || req.purpose !== row.purpose))
        skipped.purpose_not_covered++;
      else {
        const id = req.idempotencyKey
          ? (await sha256Hex(`${site.id}|${req.idempotencyKey}|${row.subjectId}`)).slice(0, 32)
          : newId(ctx.random);
        statements.push(
          ctx.outbox.enqueueOnce({
            id,
            siteId: site.id,
            subjectId: row.subjectId,
            consentId: row.consentId,
            kind: 'marketing',
            bodyCiphertext: await ctx.sealer.seal(row.wrappedKey, row.subjectId, text),
            status: 'queued',
            nextAttemptAt: sendAt,
            createdAt: now,
          }),
        );
        queued++;
      }
    }
    if (statements.length > 0) await ctx.store.batch(statements as [Statement, ...Statement[]]);
  }
  // Outside quiet hours the messages are due now: a send pass takes them at once.
  if (queued > 0 && sendAt <= now) ctx.onQueued();
  return {
    queued,
    skipped: (Object.entries(skipped) as [SendReport['skipped'][number]['reason'], number][])
      .filter(([, count]) => count > 0)
      .map(([reason, count]) => ({ reason, count })),
    sendAt: new Date(sendAt).toISOString(),
    quietHours: sendAt > now,
    message,
  };
}
