import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../worker/errors.ts';
import { demoPolicyFacts } from '../../worker/policy/demo-facts.ts';
import { preparePolicy } from '../../worker/policy/publish.ts';
import { context, loadTemplatesFromDisk } from './helpers.ts';

const templates = loadTemplatesFromDisk();

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the policy was accepted');
}

describe('preparePolicy', () => {
  it('renders every locale with its exact bytes and their SHA-256', async () => {
    const policy = await preparePolicy({ facts: demoPolicyFacts, locales: ['fr', 'en'], templates, context });
    expect(policy.templateVersion).toBe('2');
    expect(policy.locales.map((l) => l.locale)).toEqual(['fr', 'en']);
    for (const l of policy.locales) {
      expect(new TextDecoder().decode(l.bytes)).toBe(l.markdown);
      expect(l.sha256).toBe(createHash('sha256').update(l.markdown, 'utf8').digest('hex'));
      expect(l.readability.overall.score).toBeGreaterThanOrEqual(60);
      expect(l.warnings).toEqual([]);
    }
  });

  it('refuses missing facts naming them', async () => {
    const { controller, ...rest } = demoPolicyFacts;
    const error = await refusal(
      preparePolicy({
        facts: { ...rest, controller: { ...controller, address: '' } },
        locales: ['fr'],
        templates,
        context,
      }),
    );
    expect(error.code).toBe('validation_failed');
    expect(error.errors?.map((e) => e.path)).toEqual(['policy.controller.address']);
  });

  it('refuses at once every locale that is hard to read or incomplete, and a locale without template', async () => {
    const legalese =
      '# P\n<!-- section: retention; covers: art13-2a -->\n## Retention\n' +
      'Personal data processed for the purposes of direct marketing communications shall be retained for a period not exceeding that which is strictly necessary, in accordance with applicable regulatory recommendations.\n';
    const broken = { '1': { en: legalese, fr: legalese.replace('## Retention', '## Conservation') } };
    const error = await refusal(
      preparePolicy({
        facts: demoPolicyFacts,
        locales: ['en', 'de'],
        templates: broken,
        templateVersion: '1',
        context,
      }),
    );
    expect(error.code).toBe('policy_refused');
    expect(error.status).toBe(422);
    const paths = error.errors!.map((e) => e.path);
    expect(paths.filter((p) => p.startsWith('policy.en.art13'))).toHaveLength(11);
    expect(paths).toContain('policy.en');
    expect(paths).toContain('policy.en.sections.retention');
    expect(error.errors!.find((e) => e.path === 'policy.en.sections.retention')!.message).toContain(
      '“Personal data processed',
    );
    expect(error.errors).toContainEqual({
      path: 'policy.de',
      message: 'No policy template version 1 for locale "de".',
    });
  });
});
