import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import en from '../../templates/widget/en.json' with { type: 'json' };
import fr from '../../templates/widget/fr.json' with { type: 'json' };
import {
  resolveLocale,
  WIDGET_ERROR_CODES,
  widgetDocument,
  widgetTexts,
  widgetTheme,
  type WidgetSiteConfig,
} from '../../worker/domain/site/widget-texts.ts';

const config: WidgetSiteConfig = {
  program: {
    name: 'Demo Shop',
    description: { fr: 'Nos offres.', en: 'Our offers.' },
    frequency: { fr: '4 SMS par mois.', en: '4 messages a month.' },
    helpContact: 'help@demo.example',
  },
  locales: ['fr', 'en'],
  defaultLocale: 'fr',
  defaultCountry: 'FR',
  allowedCountries: ['FR', 'BE'],
};
const policy = { policyVersion: 3, policyUrl: 'https://a.example/p/demo/3' };

const keys = (o: object): string[] =>
  Object.entries(o)
    .flatMap(([k, v]) => (typeof v === 'object' ? keys(v).map((s) => `${k}.${s}`) : [k]))
    .sort();

describe('widget text templates', () => {
  it('fr and en define the same keys, with a text for every error code', () => {
    expect(keys(fr)).toEqual(keys(en));
    expect(Object.keys(en.errors).sort()).toEqual([...WIDGET_ERROR_CODES].sort());
    for (const text of [...Object.values(fr), ...Object.values(fr.errors)])
      if (typeof text === 'string') expect(text.trim()).not.toBe('');
  });
});

describe('widgetTexts', () => {
  it('fills the program facts, help contact and policy version in the asked locale', async () => {
    const { locale, texts } = await widgetTexts({ config, locale: 'en', ...policy });
    expect(locale).toBe('en');
    expect(texts.program).toBe('Demo Shop');
    expect(texts.description).toBe('Our offers.');
    expect(texts.frequency).toBe('4 messages a month.');
    expect(texts.stop).toBe('Reply STOP at any time to stop receiving messages. Help: help@demo.example.');
    expect(texts.policyLink).toBe('Privacy policy (version 3)');
    expect(texts.errors.rate_limited).toBe(en.errors.rate_limited);
  });

  it('falls back to the site default locale for unknown locales and matches regional variants', async () => {
    expect((await widgetTexts({ config, locale: 'de', ...policy })).locale).toBe('fr');
    expect((await widgetTexts({ config, locale: null, ...policy })).texts.yes).toBe(fr.yes);
    expect(resolveLocale(config, 'en-GB')).toBe('en');
    expect(resolveLocale(config, 'fr-CA')).toBe('fr');
  });

  it('merges site overrides, errors included, without losing the other defaults', async () => {
    const custom = {
      ...config,
      widget: { texts: { fr: { yes: 'Oui !', errors: { network: 'Hors ligne.' } as never } } },
    };
    const { texts } = await widgetTexts({ config: custom, locale: 'fr', ...policy });
    expect(texts.yes).toBe('Oui !');
    expect(texts.no).toBe(fr.no);
    expect(texts.errors.network).toBe('Hors ligne.');
    expect(texts.errors.generic).toBe(fr.errors.generic);
  });

  it('hashes the RFC 8785 form of {locale, policyVersion, texts}, so any change to what is shown changes it', async () => {
    const a = await widgetTexts({ config, locale: 'fr', ...policy });
    const sortKeys = (v: unknown): unknown =>
      v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortKeys((v as never)[k])]),
          )
        : v;
    const expected = createHash('sha256')
      .update(JSON.stringify(sortKeys({ locale: 'fr', policyVersion: 3, texts: a.texts })))
      .digest('hex');
    expect(a.textSha256).toBe(expected);
    const b = await widgetTexts({ config, locale: 'fr', policyVersion: 4, policyUrl: policy.policyUrl });
    const c = await widgetTexts({
      config: { ...config, program: { ...config.program, name: 'Other' } },
      locale: 'fr',
      ...policy,
    });
    const d = await widgetTexts({ config, locale: 'en', ...policy });
    expect(new Set([a.textSha256, b.textSha256, c.textSha256, d.textSha256]).size).toBe(4);
    expect((await widgetTexts({ config, locale: 'fr', ...policy })).textSha256).toBe(a.textSha256);
  });
});

describe('widgetDocument', () => {
  it('lists the allowed countries with calling codes and names in the visitor locale', async () => {
    const doc = await widgetDocument({
      site: 'demo',
      config,
      locale: 'fr',
      policy: { version: 3, url: policy.policyUrl },
    });
    expect(doc).toMatchObject({
      site: 'demo',
      locale: 'fr',
      locales: ['fr', 'en'],
      defaultCountry: 'FR',
      allowedCountries: ['FR', 'BE'],
    });
    expect(doc.countries).toEqual([
      { code: 'FR', callingCode: '33', name: 'France' },
      { code: 'BE', callingCode: '32', name: 'Belgique' },
    ]);
    expect(doc.policy).toEqual({ version: 3, url: policy.policyUrl });
    expect(doc.textSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('defaults allowed countries to the site country', async () => {
    const { allowedCountries: _, ...rest } = config;
    const doc = await widgetDocument({ site: 'demo', config: rest, locale: 'en', policy: { version: 1, url: 'u' } });
    expect(doc.countries).toEqual([{ code: 'FR', callingCode: '33', name: 'France' }]);
  });
});

describe('widgetTheme', () => {
  it('keeps known keys with plain CSS values and drops anything that could escape a declaration', () => {
    expect(
      widgetTheme({
        btn: '#123456',
        'btn-fg': 'rgb(255, 255, 255)',
        radius: '4px',
        fg: 'red;}</style>',
        foo: 'blue',
        bg: 3,
      }),
    ).toEqual({
      btn: '#123456',
      'btn-fg': 'rgb(255, 255, 255)',
      radius: '4px',
    });
    expect(widgetTheme(undefined)).toBeUndefined();
  });

  it('travels in the widget document', async () => {
    const doc = await widgetDocument({
      site: 'demo',
      config: { ...config, widget: { theme: { btn: '#0a0a0a' } } },
      locale: 'fr',
      policy: { version: 1, url: 'u' },
    });
    expect(doc.theme).toEqual({ btn: '#0a0a0a' });
  });
});
