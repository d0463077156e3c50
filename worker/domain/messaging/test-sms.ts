// A test message from the console: the composed text sent at once to one number through the site's provider,
// outside any consent and the outbox. Only the development server offers it (its provider writes to /dev/outbox).
import { newId } from '../../crypto/tokens.ts';
import { AppError } from '../../errors.ts';
import type { DomainContext } from '../context.ts';
import { preview } from './campaigns.ts';
import { normalisePhone } from '../consent/phone.ts';
import type { Site } from '../site/sites.ts';

/** Throws a 422 naming `template` or `to` for bad input; a provider's refusal comes back as its reason. */
export async function sendTestSms(
  ctx: DomainContext,
  site: Site,
  input: { to: string; template: string; locale: string },
): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (!input.template.trim())
    throw new AppError('validation_failed', 422, 'Empty.', {
      errors: [{ path: 'template', message: 'Write a message.' }],
    });
  const phone = normalisePhone(input.to, site.config.defaultCountry, 'to');
  const message = preview(site, { template: input.template, variables: {} }, input.locale);
  const result = await ctx
    .providerFor(site, ctx)
    .send({ id: newId(ctx.random, ctx.clock()), to: phone.e164, body: message.text });
  return result.ok ? { ok: true } : { ok: false, reason: result.reason };
}
