// The proof in two standard forms: a consent record after ISO/IEC TS 27560:2023 in the W3C Data Privacy Vocabulary
// (JSON-LD, the DPVCG `dpv-27560` record profile for the EU GDPR: https://w3id.org/dpv/guides/consent-27560), and a
// Kantara Initiative Consent Receipt Specification v1.1.0 (2018; its JSON schema's required fields, version
// "KI-CR-v1.1.0").
// Both restate the signed receipt and the policy version it cites, and carry the JWS and the log proof unchanged, so
// either can still be verified with verify.mjs.
import type { PolicyFacts } from '../../policy/facts.ts';
import { localizeFacts } from '../../policy/render.ts';
import type { DomainContext } from '../context.ts';
import { loadSite } from '../site/index.ts';
import { proofSources } from './proof-document.ts';

type Sources = Awaited<ReturnType<typeof proofSources>>;
type Leaf = { type?: string; at?: string; method?: string; keyword?: string; channel?: string; reason?: string };

/** GDPR Art. 6(1) points, as the DPV legal extension names them (https://w3id.org/dpv/legal/eu/gdpr). */
const GDPR_BASIS: Record<string, string> = {
  consent: 'eu-gdpr:A6-1-a',
  contract: 'eu-gdpr:A6-1-b',
  legal_obligation: 'eu-gdpr:A6-1-c',
  vital_interests: 'eu-gdpr:A6-1-d',
  public_task: 'eu-gdpr:A6-1-e',
  legitimate_interests: 'eu-gdpr:A6-1-f',
};
/** The DPV consent states the logged events move a consent into (DPV "Consent Status"). */
const DPV_STATE: Record<string, string> = {
  requested: 'dpv:ConsentRequested',
  // A consent the site owner declared when importing a list: its giving is not known to the record (DPV ConsentUnknown).
  imported: 'dpv:ConsentUnknown',
  confirmed: 'dpv:ConsentGiven',
  withdrawn: 'dpv:ConsentWithdrawn',
  expired: 'dpv:ConsentExpired',
  erased: 'dpv:ConsentInvalidated',
};
const DPV_ROLE: Record<string, string> = {
  processor: 'dpv:DataProcessor',
  controller: 'dpv:DataController',
  joint_controller: 'dpv:JointDataControllers',
  public_authority: 'dpv:PublicAuthority',
};

/** The consent's state changes, in log order, from its leaves (the log is the truth). */
function stateEvents(sources: Sources) {
  const { log } = sources.doc;
  const leaves = [...log.entries, ...log.pending].sort((a, b) => a.index - b.index).map((e) => e.leaf as Leaf);
  return leaves.filter((l) => l.type && DPV_STATE[l.type] && l.at);
}

async function sourcesWithFacts(ctx: DomainContext, consentId: string) {
  const sources = await proofSources(ctx, consentId);
  const { receipt } = sources.doc;
  const facts = sources.policy
    ? (localizeFacts(JSON.parse(sources.policy.facts), receipt.language) as PolicyFacts)
    : null;
  const proofUrl = `${ctx.publicUrl}/proofs/${receipt.consentId}`;
  // The proof as served, for verify.mjs: the receipt's JWS and its log entries with inclusion paths.
  const proof = { proofUrl, verifier: `${ctx.publicUrl}/verify.mjs`, jws: sources.doc.jws, log: sources.doc.log };
  // The jurisdiction is the site's country (its default country, whose authority the policy names).
  const country = (await loadSite(ctx, receipt.site)).config.defaultCountry;
  return { sources, receipt, facts, proofUrl, proof, country };
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

export async function iso27560Record(ctx: DomainContext, consentId: string) {
  const { sources, receipt, facts, proofUrl, proof, country } = await sourcesWithFacts(ctx, consentId);
  const events = stateEvents(sources);
  const transfers = facts?.transfers;
  return {
    '@context': {
      dpv: 'https://w3id.org/dpv#',
      'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
      loc: 'https://w3id.org/dpv/loc#',
      pd: 'https://w3id.org/dpv/pd#',
      dct: 'http://purl.org/dc/terms/',
      schema: 'https://schema.org/',
      xsd: 'http://www.w3.org/2001/XMLSchema#',
      'dpv-27560': 'https://w3id.org/dpv/schema/dpv-27560#',
      assent: 'https://assent.dev/ns#',
      'assent:proof': { '@type': '@json' },
    },
    '@id': proofUrl,
    '@type': 'dpv:ConsentRecord',
    'dct:identifier': receipt.consentId,
    'dct:conformsTo': { '@id': 'dpv-27560:record-eu-gdpr' },
    'dct:created': { '@value': receipt.collection.at, '@type': 'xsd:dateTime' },
    'dct:language': receipt.language,
    'dpv:hasDataSubject': {
      '@id': `${proofUrl}#subject`,
      '@type': 'dpv:DataSubject',
      // Masked (or erased): the record never holds the number.
      'dct:identifier': receipt.subject.phone,
    },
    'dpv:hasDataController': {
      '@type': 'dpv:DataController',
      'schema:name': receipt.controller?.name ?? '',
      'schema:address': receipt.controller?.address ?? '',
      'schema:email': receipt.controller?.email ?? '',
      ...(facts?.controller.phone ? { 'schema:telephone': facts.controller.phone } : {}),
    },
    'dpv:hasJurisdiction': { '@id': `loc:${country}` },
    'dpv:hasApplicableLaw': { '@id': 'eu-gdpr:GDPR' },
    'dpv:hasPurpose': receipt.purposes.map((p) => ({
      '@type': 'dpv:Purpose',
      'dct:identifier': p.id,
      'dct:description': text(p.description),
      'dpv:hasLegalBasis': { '@id': GDPR_BASIS[p.legalBasis] ?? 'dpv:LegalBasis' },
    })),
    'dpv:hasPersonalData': [{ '@id': 'pd:TelephoneNumber' }],
    'dpv:hasRecipient': (facts?.recipients ?? []).map((r) => ({
      '@type': DPV_ROLE[r.role] ?? 'dpv:Recipient',
      'schema:name': r.name,
      'dct:description': text(r.purpose),
      'dpv:hasLocation': text(r.country),
    })),
    'dpv:hasStorageCondition': [
      {
        '@type': 'dpv:StorageLocation',
        // Where the record is kept and served; outside the EU only where the policy declares a transfer.
        'schema:url': proofUrl,
        'dpv:hasLocation':
          !transfers || 'none' in transfers
            ? { '@id': 'loc:EU' }
            : transfers.map((t) => ({ 'dct:description': text(t.country), 'dpv:hasSafeguard': t.safeguard })),
      },
      {
        '@type': 'dpv:StorageDuration',
        'dpv:hasDuration': { '@type': 'dpv:TemporalDuration', 'dct:description': text(receipt.retention?.proofs) },
      },
    ],
    // GDPR Art. 7(3): withdrawing is as easy as giving: STOP by SMS, the link in every message, or the site owner.
    'dpv:hasRight': {
      '@id': 'eu-gdpr:A7-3',
      'dct:description': 'Reply STOP to any message, or use the unsubscribe link sent with the confirmation.',
    },
    'dpv:hasNotice': {
      '@id': receipt.notice.policyUrl,
      '@type': 'dpv:ConsentNotice',
      'dct:hasVersion': String(receipt.notice.policyVersion),
      'assent:policySha256': receipt.notice.policySha256,
      'assent:widgetTextSha256': receipt.notice.widgetTextSha256,
      'dct:language': receipt.notice.locale,
    },
    'dpv:hasConsentStatus': events.map((e) => ({
      '@type': DPV_STATE[e.type!],
      'dpv:isIndicatedAtTime': { '@value': e.at!, '@type': 'xsd:dateTime' },
      'dpv:isIndicatedBy': {
        '@id': e.type === 'expired' || e.type === 'erased' ? 'dpv:DataController' : 'dpv:DataSubject',
      },
      ...(e.method ? { 'dpv:hasIndicationMethod': e.method } : {}),
    })),
    'assent:proof': proof,
  };
}

/** Kantara Consent Receipt v1.1: every field the v1.1 schema requires, plus the proof under `assentProof`. */
export async function kantaraReceipt(ctx: DomainContext, consentId: string) {
  const { receipt, facts, proof, country } = await sourcesWithFacts(ctx, consentId);
  const given = receipt.confirmation?.at ?? receipt.collection.at;
  const thirdParties = (facts?.recipients ?? []).filter((r) => r.role !== 'processor');
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: country,
    consentTimestamp: Math.floor(Date.parse(given) / 1000),
    collectionMethod: `${receipt.imported ? 'import (declared by the site owner, not a double opt-in)' : receipt.collection.method}, confirmed by ${receipt.confirmation?.method ?? 'nothing yet'}`,
    consentReceiptID: receipt.receiptId,
    language: receipt.language,
    piiPrincipalId: receipt.subject.phone ?? '',
    piiControllers: [
      {
        piiController: receipt.controller?.name ?? '',
        contact: receipt.controller?.name ?? '',
        address: receipt.controller?.address ?? '',
        email: receipt.controller?.email ?? '',
        phone: facts?.controller.phone ?? '',
        ...(facts?.controller.website ? { piiControllerUrl: facts.controller.website } : {}),
      },
    ],
    policyUrl: receipt.notice.policyUrl,
    services: [
      {
        service: 'SMS marketing',
        purposes: receipt.purposes.map((p, i) => ({
          purpose: text(p.description),
          purposeCategory: [p.id],
          consentType: p.legalBasis === 'consent' ? 'EXPRESSED' : 'IMPLIED',
          piiCategory: ['telephone number'],
          primaryPurpose: i === 0,
          termination: text(receipt.retention?.proofs),
          thirdPartyDisclosure: thirdParties.length > 0,
          ...(thirdParties.length > 0 ? { thirdPartyName: thirdParties.map((r) => r.name).join(', ') } : {}),
        })),
      },
    ],
    sensitive: false,
    spiCat: [],
    assentProof: { ...proof, status: receipt.status },
  };
}
