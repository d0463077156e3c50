import { describe, expect, it } from 'vitest';
import { AppError } from '../../worker/errors.ts';
import { analyse } from '../../worker/sms/segments.ts';
import {
  composeMessage,
  optOutMention,
  previewMessage,
  renderTemplate,
  resolveSmsLocale,
  systemMessage,
  templateVariables,
  type SystemMessageKind,
} from '../../worker/sms/template.ts';
import fr from '../../templates/sms/fr.json' with { type: 'json' };
import en from '../../templates/sms/en.json' with { type: 'json' };

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('renderTemplate', () => {
  it('fills placeholders, with or without inner spaces, and ignores extra variables', () => {
    expect(renderTemplate('Hi {{first}}, -{{ pct }}% until {{first}}!', { first: 'Ana', pct: 20, unused: 'x' })).toBe(
      'Hi Ana, -20% until Ana!',
    );
    expect(templateVariables('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b']);
  });

  it('a missing variable is a 422 that names every missing one', () => {
    const error = caught(() => renderTemplate('{{first}} {{code}} {{shop}}', { shop: 'x', code: null }));
    expect(error.status).toBe(422);
    expect(error.code).toBe('template_variable_missing');
    expect(error.message).toBe('Missing template variable: first, code.');
    expect(error.errors).toEqual([
      { path: 'variables.first', message: 'No value for {{first}}.' },
      { path: 'variables.code', message: 'No value for {{code}}.' },
    ]);
  });

  it('does not read inherited properties as variables', () => {
    expect(caught(() => renderTemplate('{{constructor}}', {})).errors?.[0]?.path).toBe('variables.constructor');
  });

  it('a malformed placeholder is a 422 on the template', () => {
    const error = caught(() => renderTemplate('Hi {{first name}}', { first: 'x' }));
    expect(error.status).toBe(422);
    expect(error.errors).toEqual([{ path: 'template', message: expect.any(String) }]);
  });

  it('does not render placeholders that arrive inside values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'no' })).toBe('{{b}}');
  });
});

describe('composeMessage', () => {
  it('prefixes the sender name and appends the opt-out mention', () => {
    expect(composeMessage({ body: '-20% ce week-end', locale: 'fr', senderName: 'Demo Shop' })).toBe(
      'Demo Shop : -20% ce week-end\nRépondez STOP',
    );
    expect(composeMessage({ body: '20% off', locale: 'en', senderName: 'Demo Shop', shortCode: '36111' })).toBe(
      'Demo Shop: 20% off\nText STOP to 36111 to opt out',
    );
    expect(composeMessage({ body: 'x', locale: 'fr-FR', senderName: 'D', shortCode: '36111' })).toBe(
      'D : x\nSTOP au 36111',
    );
  });

  it('does not repeat a sender name already there', () => {
    expect(composeMessage({ body: 'demo shop: hello', locale: 'en', senderName: 'Demo Shop' })).toBe(
      'demo shop: hello\nReply STOP to opt out',
    );
  });

  it('keeps the system mention even when the template already says STOP, and is idempotent', () => {
    const once = composeMessage({ body: 'Promo. Envoyez STOP', locale: 'fr', senderName: 'Demo Shop' });
    expect(once).toBe('Demo Shop : Promo. Envoyez STOP\nRépondez STOP');
    expect(composeMessage({ body: once, locale: 'fr', senderName: 'Demo Shop' })).toBe(once);
  });
});

describe('system messages', () => {
  const vars = {
    program: 'Demo Shop',
    url: 'https://assent.example/c/abc',
    unsubscribeUrl: 'https://assent.example/u/def',
    helpContact: 'aide@demo.example',
    frequency: '4 SMS/mois',
  };
  const kinds: SystemMessageKind[] = [
    'confirm-request',
    'confirmed',
    'opt-out-ack',
    'opt-in-ack',
    'help',
    'no-pending',
  ];

  it('fr and en define the same texts with the same placeholders', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(templateVariables(fr[key]).sort(), key).toEqual(templateVariables(en[key]).sort());
    }
  });

  it.each(['fr', 'en'])('every %s system message names the program, fits GSM-7 and carries STOP', (locale) => {
    for (const kind of kinds) {
      const text = systemMessage(kind, locale, vars);
      expect(text.startsWith('Demo Shop'), kind).toBe(true);
      expect(analyse(text).encoding, `${kind}: ${text}`).toBe('GSM-7');
      if (kind !== 'opt-out-ack') expect(text.endsWith(optOutMention(locale)), kind).toBe(true);
    }
  });

  it('renders the confirmation request with what it is for, the link and "not you? ignore it"', () => {
    expect(systemMessage('confirm-request', 'fr', { ...vars, shortCode: '36111' })).toBe(
      'Demo Shop : offres par SMS ? Confirmez : https://assent.example/c/abc Pas vous ? Ignorez ce SMS.\nSTOP au 36111',
    );
    expect(systemMessage('confirm-request', 'en', vars)).toBe(
      'Demo Shop: offers by text? Confirm: https://assent.example/c/abc Not you? Ignore this.\nReply STOP to opt out',
    );
  });

  it('the opt-out acknowledgement acknowledges and nothing else: no mention, no way back in, no START', () => {
    expect(systemMessage('opt-out-ack', 'en', vars)).toBe(
      'Demo Shop: you are unsubscribed and will receive no more texts.',
    );
    expect(systemMessage('opt-out-ack', 'fr', { ...vars, shortCode: '36111' })).toBe(
      'Demo Shop : désabonnement confirmé : vous ne recevrez plus de SMS.',
    );
  });

  // A realistic public host (26 characters) and a 43-character link token, as consents.ts makes them: every system
  // message, in each language, with and without a short code, is one GSM-7 segment (160 septets).
  it.each(['fr', 'en'])(
    'every %s system message is one GSM-7 segment with a realistic host and a real token',
    (locale) => {
      const host = 'https://optin.demo-shop.fr';
      const token = 'Xk3v9Qp2LmN8rT5wYb7cD1fG4hJ6kZ0aS9eU2iO7uPq';
      expect(token).toHaveLength(43);
      const real = {
        ...vars,
        url: `${host}/c/${token}`,
        unsubscribeUrl: `${host}/u/${token}`,
        helpContact: 'support@demo-shop.fr',
        frequency: locale === 'fr' ? '4 SMS par mois au plus' : 'at most 4 texts a month',
      };
      for (const shortCode of [undefined, '36111']) {
        for (const kind of kinds) {
          const text = systemMessage(kind, locale, { ...real, ...(shortCode ? { shortCode } : {}) });
          const stats = analyse(text);
          expect(stats.encoding, text).toBe('GSM-7');
          expect(stats.segments, `${kind} (${stats.units} septets): ${text}`).toBe(1);
        }
      }
    },
  );

  it('a missing variable for a system message is a 422', () => {
    expect(caught(() => systemMessage('confirmed', 'en', { program: 'Demo Shop' })).errors?.[0]?.path).toBe(
      'variables.unsubscribeUrl',
    );
  });

  it('falls back to English for a language without texts', () => {
    expect(resolveSmsLocale('de-DE')).toBe('en');
    expect(resolveSmsLocale('FR_ca')).toBe('fr');
    expect(systemMessage('no-pending', 'de', vars)).toBe(
      'Demo Shop: there is no pending subscription for this number.\nReply STOP to opt out',
    );
  });
});

describe('previewMessage', () => {
  it('renders, composes and counts', () => {
    const preview = previewMessage({
      template: 'Bonjour {{first}}, -{{pct}}% ce week-end !',
      variables: { first: 'Ana', pct: 20 },
      locale: 'fr',
      senderName: 'Demo Shop',
      shortCode: '36111',
    });
    expect(preview).toEqual({
      text: 'Demo Shop : Bonjour Ana, -20% ce week-end !\nSTOP au 36111',
      encoding: 'GSM-7',
      characters: 57,
      units: 57,
      segments: 1,
    });
  });

  it('offers the transliteration and says how many segments it saves', () => {
    const preview = previewMessage({
      template:
        'Bonjour {{first}}, l’été arrive : -20 % sur toute la boutique, même les nouveautés ! Offre réservée aux abonnés, jusqu’à dimanche. Rendez-vous sur demo.example',
      variables: { first: 'Françoise' },
      locale: 'fr',
      senderName: 'Demo Shop',
      transliterate: true,
    });
    expect(preview.encoding).toBe('UCS-2');
    expect(preview.segments).toBe(3);
    expect(preview.transliterated).toMatchObject({ encoding: 'GSM-7', segments: 2, saves: 1, remaining: [] });
    expect(preview.transliterated?.text).toContain("Francoise, l'été");
    expect(preview.transliterated?.replaced.map((r) => r.from)).toEqual(['ç', '’', 'ê']);
  });
});

it('a body that merely begins like the sender name still gets the prefix', () => {
  expect(composeMessage({ body: 'Demo Shopping days', locale: 'en', senderName: 'Demo Shop' })).toBe(
    'Demo Shop: Demo Shopping days\nReply STOP to opt out',
  );
  expect(composeMessage({ body: 'A.B. (Paris) - hi', locale: 'en', senderName: 'A.B. (Paris)' })).toBe(
    'A.B. (Paris) - hi\nReply STOP to opt out',
  );
});
