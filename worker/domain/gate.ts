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
  const view = await ctx.subjects.gateView(site.id, index);
  const suppressed = view ? Boolean(view.suppressed) : await ctx.subjects.isSuppressed(site.id, index);
  const status = view?.erasedAt ? 'erased' : (view?.status ?? 'none');
  const renewalRequired = Boolean(view?.renewalRequired);
  const consent = view?.consentId ? { id: view.consentId } : null;
  return {
    phone: phone.e164,
    status,
    canSend: status === 'confirmed' && !suppressed && !renewalRequired,
    proofUrl: consent ? proofUrl(ctx, consent.id) : null,
    renewalRequired,
    suppressed,
  };
}
