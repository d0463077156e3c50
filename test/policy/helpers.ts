// Loads the shipped policy templates from disk, as the build step does for the runtime map.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyTemplates } from '../../worker/policy/render.ts';

const root = join(import.meta.dirname, '../../templates/policy');

export function loadTemplatesFromDisk(): PolicyTemplates {
  const templates: PolicyTemplates = {};
  for (const version of readdirSync(root)) {
    const locales: Record<string, string> = {};
    for (const file of readdirSync(join(root, version)).filter((f) => f.endsWith('.md'))) {
      locales[file.replace(/\.md$/, '')] = readFileSync(join(root, version, file), 'utf8');
    }
    templates[version] = locales;
  }
  return templates;
}

export const context = { publicUrl: 'https://assent.example', site: 'demo' };

/** The existing-customer exception (article L34-5 CPCE) as a purpose: one the fixtures add to the demo's. */
export const similarProducts = {
  id: 'similar-products',
  description: {
    fr: 'vous proposer des produits proches de vos achats',
    en: 'offer products like those you bought',
  },
  legalBasis: 'legitimate_interests',
  existingCustomer: true,
} as const;
