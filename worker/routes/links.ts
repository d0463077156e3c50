// /c/{token} (confirm) and /u/{token} (the subscriber's own page: consents, unsubscribe, erase): GET shows a page
// and changes nothing, not even the retention clock; POST acts, idempotently, and counts as the subscriber's contact.
import { Hono } from 'hono';
import { confirmConsent, proofUrl } from '../domain/consent/index.ts';
import { clientIp, type AppContext, type AppEnv } from '../http/context.ts';
import { linkPage, subscriberPage, type LinkFacts, type LinkPageState, type SubscriberStep } from '../pages/links.tsx';
import { frenchTypography } from '../policy/typography.ts';
import {
  byLinkToken,
  confirmLinkStatus,
  eraseOwnNumber,
  ownView,
  recordContact,
  withdrawOwn,
} from '../domain/subscribers/index.ts';
import type { ConsentRow } from '../db/consents.ts';
import type { Site } from '../domain/site/index.ts';
import { preferredLanguage } from '../http/negotiate.ts';
import { assertOwnForm, FORM_TOKEN_FIELD, formTokenFor, type OwnForm } from '../http/hosted-form-guard.ts';
import { AppError } from '../errors.ts';
import { pageHeaders } from '../pages/layout.tsx';
import { PAGE_LOCALES } from '../pages/texts.ts';

function html(c: AppContext, body: string, status: 200 | 403 | 404 | 410 = 200) {
  return c.body(body, status, pageHeaders);
}

/** The subscriber's page's forms, guarded like the hosted form; a client with the link and no browser may post. */
const ownForm = (consent: ConsentRow): OwnForm => ({ scope: `u:${consent.id}`, path: '/u/', bareClients: true });

/**
 * What the pages behind a link restate about the consent, in its language: the controller, what the texts are and
 * how often, the policy version shown, the rights contact, the site's time zone.
 */
function linkFacts(c: AppContext, consent: ConsentRow, site: Site): LinkFacts {
  const { program, policy, timezone } = site.config;
  const pick = (map: Record<string, string>) =>
    map[consent.locale] ?? map[site.config.defaultLocale] ?? Object.values(map)[0] ?? '';
  const typeset = (text: string) => (consent.locale.startsWith('fr') ? frenchTypography(text) : text);
  return {
    controller: policy?.controller.name ?? program.name,
    purpose: typeset(pick(program.description)),
    frequency: typeset(pick(program.frequency)),
    policyUrl: `${c.get('ctx').publicUrl}/p/${encodeURIComponent(site.id)}/${consent.policyVersion}?locale=${encodeURIComponent(consent.locale)}`,
    rightsEmail: policy?.rights.email ?? null,
    timeZone: timezone,
  };
}

async function ownPage(
  c: AppContext,
  found: { consent: ConsentRow; site: Site },
  step: SubscriberStep,
): Promise<string> {
  const { consent, site } = found;
  return subscriberPage({
    facts: linkFacts(c, consent, site),
    formToken: await formTokenFor(c, ownForm(consent)),
    locale: consent.locale,
    program: site.config.program.name,
    view: await ownView(c.get('ctx'), consent, site),
    step,
    action: `/u/${c.req.param('token')}`,
  });
}

/** Unknown or malformed tokens get a clear page in the visitor's language, never an error dump. */
function unknown(c: AppContext) {
  const lang = preferredLanguage(c, PAGE_LOCALES) ?? 'en';
  return html(c, linkPage({ locale: lang, state: { kind: 'unknown' } }), 404);
}

export function linkRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/c/:token', async (c) => {
    const found = await byLinkToken(c.get('ctx'), c.req.param('token'), 'confirm', false);
    if (!found) return unknown(c);
    const { consent, site } = found;
    const state = confirmLinkStatus(c.get('ctx'), consent);
    return html(
      c,
      linkPage({
        locale: consent.locale,
        program: site.config.program.name,
        facts: linkFacts(c, consent, site),
        state,
        action: c.req.path,
      }),
      state.kind === 'expired' ? 410 : 200,
    );
  });

  app.post('/c/:token', async (c) => {
    // The confirmation's own batch records the contact (the click): one round trip less on this hot route.
    const found = await byLinkToken(c.get('ctx'), c.req.param('token'), 'confirm', false);
    if (!found) return unknown(c);
    const { consent, site } = found;
    // The confirming request's address prefix and browser family go on the record (see confirmationEvidence).
    const outcome = await confirmConsent(
      c.get('ctx'),
      consent,
      { method: 'link', ip: clientIp(c), userAgent: c.req.header('user-agent') },
      site,
    );
    // A confirmation records the contact in its own batch; any other answer to one's own link records it here.
    if (outcome.kind !== 'confirmed') await recordContact(c.get('ctx'), consent.subjectId);
    const state: LinkPageState =
      outcome.kind === 'confirmed' || outcome.kind === 'already-confirmed'
        ? {
            kind: 'confirmed',
            proofUrl: proofUrl(c.get('ctx'), consent.id),
            confirmedAt:
              outcome.kind === 'confirmed' ? c.get('ctx').clock() : (consent.confirmedAt ?? c.get('ctx').clock()),
          }
        : outcome.kind === 'withdrawn'
          ? { kind: 'withdrawn' }
          : { kind: 'expired' };
    return html(
      c,
      linkPage({
        locale: consent.locale,
        program: site.config.program.name,
        facts: linkFacts(c, consent, site),
        state,
      }),
      state.kind === 'expired' ? 410 : 200,
    );
  });

  // The subscriber's own page. The link in the SMS is the credential (it proves possession of the phone); GET
  // only shows, and `?erase=confirm` only asks: every change is a POST from this page.
  app.get('/u/:token', async (c) => {
    // Showing the page is not a contact the subscriber initiated (scanners and previews GET links too): no clock moves.
    const found = await byLinkToken(c.get('ctx'), c.req.param('token'), 'unsubscribe', false);
    if (!found) return unknown(c);
    const step = c.req.query('erase') === 'confirm' ? 'confirm-erase' : 'overview';
    return html(c, await ownPage(c, found, step));
  });

  app.post('/u/:token', async (c) => {
    const found = await byLinkToken(c.get('ctx'), c.req.param('token'), 'unsubscribe', true);
    if (!found) return unknown(c);
    const { consent } = found;
    const form = new URLSearchParams(await c.req.text());
    // Unsubscribing and erasure (which cannot be undone) only from our own page: another site's form, from a sandboxed
    // frame (`Origin: null`) or not, is refused like the hosted form's (the link token already keeps most out).
    try {
      await assertOwnForm(c, ownForm(consent), form.get(FORM_TOKEN_FIELD));
    } catch (error) {
      if (error instanceof AppError && error.code === 'cross_site_form')
        return html(c, await ownPage(c, found, 'foreign-form'), 403);
      throw error;
    }
    // Erasure cannot be undone: only when it is the one action asked (`action=erase&action=…` withdraws, as below).
    const actions = form.getAll('action');
    if (actions.length === 1 && actions[0] === 'erase') {
      await eraseOwnNumber(c.get('ctx'), consent);
      return html(c, await ownPage(c, found, 'erased'));
    }
    // No action (older pages, scripted clients) or "unsubscribe": withdraw every consent of the number.
    await withdrawOwn(c.get('ctx'), consent);
    return html(c, await ownPage(c, found, 'withdrawn'));
  });

  return app;
}
