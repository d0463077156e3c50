// The send gate: may this site text this number now? Only a confirmed, current, unsuppressed consent says yes.
import type { DomainContext } from './context.ts';
import { normalisePhone } from './phone.ts';
import { proofUrl } from './consents.ts';
import type { Site } from './sites.ts';

export interface GateAnswer {
  phone: string;
  status: 'none' | 'pending' | 'confirmed' | 'withdrawn' | 'expired' | 'erased';
  canSend: boolean;
  proofUrl: string | null;
  renewalRequired: boolean;
  suppressed: boolean;
}

export async function sendGate(ctx: DomainContext, site: Site, rawPhone: string): Promise<GateAnswer> {
  const phone = normalisePhone(rawPhone, site.config.defaultCountry);
  const index = await ctx.sealer.blindIndex(site.id, phone.e164);
  const [subject, suppressed] = await Promise.all([ctx.subjects.byIndex(site.id, index), ctx.subjects.isSuppressed(site.id, index)]);
  const consent = subject ? await ctx.consents.latestForSubject(subject.id) : null;
  const status = subject?.erasedAt ? 'erased' : (consent?.status ?? 'none');
  const renewalRequired = consent?.renewalRequired ?? false;
  return {
    phone: phone.e164,
    status,
    canSend: status === 'confirmed' && !suppressed && !renewalRequired,
    proofUrl: consent ? proofUrl(ctx, consent.id) : null,
    renewalRequired,
    suppressed,
  };
}
