// The proof in standard forms: GET /proofs/{id}?format=iso27560 parses as JSON-LD (jsonld.js, no remote context)
// and names every element the ISO/IEC TS 27560 record asks for, in DPV terms; ?format=kantara has every field the
// Kantara Consent Receipt v1.1 schema requires; both carry the JWS and the log proof as /proofs/{id} serves them.
import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmedConsent, makeHarness, type Harness } from '../harness.ts';

const DPV = 'https://w3id.org/dpv#';
const DCT = 'http://purl.org/dc/terms/';
const SCHEMA = 'https://schema.org/';

let h: Harness;
let consentId: string;
let proof: { jws: string; log: unknown };
beforeAll(async () => {
  h = await makeHarness();
  const confirmed = await confirmedConsent(h);
  consentId = confirmed.consentId;
  h.advance(60_000);
  expect((await h.app.request(`/u/${confirmed.unsubscribe}`, unsubscribe())).status).toBe(200);
  await h.flush();
  proof = (await (await h.app.request(`/proofs/${consentId}?format=json`)).json()) as typeof proof;
});
afterAll(async () => h.close());

function unsubscribe(): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://assent.test' },
    body: 'action=unsubscribe',
  };
}

type Node = Record<string, unknown[]>;
const one = (node: Node, iri: string) => {
  const values = node[iri];
  expect(values, iri).toBeDefined();
  expect(values!.length, iri).toBeGreaterThan(0);
  return values as Node[];
};
const value = (node: Node, iri: string) => (one(node, iri)[0] as unknown as { '@value': unknown })['@value'];

describe('ISO/IEC TS 27560 record (DPV, JSON-LD)', () => {
  let record: Record<string, any>;
  let node: Node;
  beforeAll(async () => {
    const res = await h.app.request(`/proofs/${consentId}?format=iso27560`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/ld+json');
    record = (await res.json()) as Record<string, any>;
    // The same record for a JSON-LD client that asks by Accept alone; the answer names Accept in Vary.
    const negotiated = await h.app.request(`/proofs/${consentId}`, { headers: { accept: 'application/ld+json' } });
    expect(negotiated.headers.get('content-type')).toContain('application/ld+json');
    expect(negotiated.headers.get('vary')).toContain('Accept');
    expect(await negotiated.json()).toEqual(record);
    // Only the inline context: a document loader that fetches nothing.
    const expanded = await jsonld.expand(record, {
      documentLoader: async (url: string) => {
        throw new Error(`no remote context allowed: ${url}`);
      },
    });
    expect(expanded).toHaveLength(1);
    node = expanded[0] as Node;
  });

  it('is a dpv:ConsentRecord of the dpv-27560 GDPR record profile, with its identifier and creation time', () => {
    expect(node['@type']).toEqual([`${DPV}ConsentRecord`]);
    expect(node['@id']).toBe(`https://assent.test/proofs/${consentId}`);
    expect(value(node, `${DCT}identifier`)).toBe(consentId);
    expect(one(node, `${DCT}conformsTo`)[0]!['@id']).toBe('https://w3id.org/dpv/schema/dpv-27560#record-eu-gdpr');
    expect(value(node, `${DCT}created`)).toMatch(/^2026-11-28T10:00:00/);
  });

  it('names the subject (masked), the controller with its contact, purposes with legal basis and the data', () => {
    const subject = one(node, `${DPV}hasDataSubject`)[0]!;
    expect(String(value(subject, `${DCT}identifier`))).toMatch(/^\+33 6/);
    expect(JSON.stringify(record)).not.toContain('612345678');
    const controller = one(node, `${DPV}hasDataController`)[0]!;
    expect(value(controller, `${SCHEMA}name`)).toBeTruthy();
    expect(value(controller, `${SCHEMA}email`)).toMatch(/@/);
    expect(value(controller, `${SCHEMA}address`)).toBeTruthy();
    const purposes = one(node, `${DPV}hasPurpose`);
    for (const purpose of purposes) {
      expect(one(purpose, `${DPV}hasLegalBasis`)[0]!['@id']).toMatch(
        /^https:\/\/w3id\.org\/dpv\/legal\/eu\/gdpr#A6-1-/,
      );
    }
    expect(one(purposes[0]!, `${DPV}hasLegalBasis`)[0]!['@id']).toBe('https://w3id.org/dpv/legal/eu/gdpr#A6-1-a');
    expect(one(node, `${DPV}hasPersonalData`)[0]!['@id']).toBe('https://w3id.org/dpv/pd#TelephoneNumber');
  });

  it('names recipients, jurisdiction, storage location and retention, the withdrawal method and the notice', () => {
    expect(Array.isArray(record['dpv:hasRecipient'])).toBe(true);
    expect(one(node, `${DPV}hasJurisdiction`)[0]!['@id']).toBe('https://w3id.org/dpv/loc#FR');
    const storage = one(node, `${DPV}hasStorageCondition`);
    expect(storage.map((s) => s['@type']![0])).toEqual([`${DPV}StorageLocation`, `${DPV}StorageDuration`]);
    expect(one(storage[0]!, `${DPV}hasLocation`)).toBeDefined();
    expect(String(value(one(storage[1]!, `${DPV}hasDuration`)[0]!, `${DCT}description`))).toMatch(/\w/);
    const right = one(node, `${DPV}hasRight`)[0]!;
    expect(right['@id']).toBe('https://w3id.org/dpv/legal/eu/gdpr#A7-3');
    expect(String(value(right, `${DCT}description`))).toContain('STOP');
    const notice = one(node, `${DPV}hasNotice`)[0]!;
    expect(notice['@type']).toEqual([`${DPV}ConsentNotice`]);
    expect(notice['@id']).toBe('https://assent.test/p/demo/1');
    expect(value(notice, 'https://assent.dev/ns#policySha256')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists every state change with its time, as the log says: requested, given, withdrawn', () => {
    const states = one(node, `${DPV}hasConsentStatus`);
    expect(states.map((s) => s['@type']![0])).toEqual([
      `${DPV}ConsentRequested`,
      `${DPV}ConsentGiven`,
      `${DPV}ConsentWithdrawn`,
    ]);
    for (const state of states) expect(value(state, `${DPV}isIndicatedAtTime`)).toMatch(/^2026-11-28T/);
  });

  it('carries the JWS and the log proof exactly as /proofs/{id} serves them', () => {
    const carried = value(node, 'https://assent.dev/ns#proof') as { jws: string; log: unknown; verifier: string };
    expect(carried.jws).toBe(proof.jws);
    const { cosignatures: _, ...log } = proof.log as Record<string, unknown>;
    expect(carried.log).toEqual(log);
    expect(carried.verifier).toBe('https://assent.test/verify.mjs');
  });
});

describe('Kantara Consent Receipt v1.1', () => {
  let receipt: Record<string, any>;
  beforeAll(async () => {
    const res = await h.app.request(`/proofs/${consentId}?format=kantara`);
    expect(res.status).toBe(200);
    receipt = (await res.json()) as Record<string, any>;
  });

  // The `required` lists of the Kantara Consent Receipt v1.1.0 JSON schema, with their types.
  const REQUIRED = {
    version: 'string',
    jurisdiction: 'string',
    consentTimestamp: 'number',
    collectionMethod: 'string',
    consentReceiptID: 'string',
    piiPrincipalId: 'string',
    piiControllers: 'array',
    policyUrl: 'string',
    services: 'array',
    sensitive: 'boolean',
    spiCat: 'array',
  };
  const CONTROLLER = {
    piiController: 'string',
    contact: 'string',
    address: 'string',
    email: 'string',
    phone: 'string',
  };
  const SERVICE = { service: 'string', purposes: 'array' };
  const PURPOSE = {
    purpose: 'string',
    purposeCategory: 'array',
    consentType: 'string',
    piiCategory: 'array',
    termination: 'string',
    thirdPartyDisclosure: 'boolean',
  };
  const typed = (object: Record<string, unknown>, fields: Record<string, string>) => {
    for (const [field, type] of Object.entries(fields)) {
      expect(object, field).toHaveProperty(field);
      expect(Array.isArray(object[field]) ? 'array' : typeof object[field], field).toBe(type);
    }
  };

  it('has every field the v1.1 schema requires, at every level', () => {
    typed(receipt, REQUIRED);
    expect(receipt.version).toBe('KI-CR-v1.1.0');
    expect(receipt.jurisdiction).toBe('FR');
    expect(receipt.consentReceiptID).toBe(consentId);
    expect(receipt.piiControllers).toHaveLength(1);
    typed(receipt.piiControllers[0], CONTROLLER);
    expect(receipt.piiControllers[0].email).toMatch(/@/);
    for (const service of receipt.services) {
      typed(service, SERVICE);
      expect(service.purposes.length).toBeGreaterThan(0);
      for (const purpose of service.purposes) typed(purpose, PURPOSE);
    }
    expect(receipt.services[0].purposes[0].consentType).toBe('EXPRESSED');
    expect(receipt.policyUrl).toBe('https://assent.test/p/demo/1');
    expect(receipt.piiPrincipalId).not.toContain('612345678');
  });

  it('dates consent at its confirmation and carries the JWS and the log proof', async () => {
    const json = (await (await h.app.request(`/proofs/${consentId}?format=json`)).json()) as {
      receipt: { confirmation: { at: string } };
    };
    expect(receipt.consentTimestamp).toBe(Math.floor(Date.parse(json.receipt.confirmation.at) / 1000));
    expect(receipt.assentProof.jws).toBe(proof.jws);
    expect(receipt.assentProof.status).toBe('withdrawn');
  });

  it('an unknown format is a 422 naming the field, an unknown proof a 404', async () => {
    const bad = await h.app.request(`/proofs/${consentId}?format=iso9999`);
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('format');
    expect((await h.app.request('/proofs/AAAAAAAAAAAAAAAAAAAAAA?format=kantara')).status).toBe(404);
  });
});
