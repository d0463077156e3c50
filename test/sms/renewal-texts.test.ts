// The renewal and re-permission SMS ask for the answer where it counts, the page behind their link: a reply by SMS
// renews nothing (OUI only confirms a pending opt-in; NON is no keyword), so a text saying "reply Yes or No" would
// let a subscriber believe they renewed while their consent lapses at the deadline. They also say what silence does.
// GDPR Art. 12(1) (clear and plain language) and Art. 7(2) (a request for consent clearly distinguishable).
import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../worker/sms/reply-effects.ts';
import { systemMessage } from '../../worker/sms/template.ts';

const variables = { program: 'Demo Shop', url: 'https://assent.test/r/abc', deadline: '12/07' };

describe.each([
  ['fr', 'Oui', 'Non', /sur cette page/, /sinon ils cessent/],
  ['en', 'Yes', 'No', /on this page/, /or they stop/],
] as const)('%s', (locale, yes, no, where, silence) => {
  it.each(['renewal', 'repermission'] as const)('the %s SMS', (kind) => {
    const text = systemMessage(kind, locale, variables);
    // What an SMS reply does when no opt-in is pending: nothing renews.
    for (const answer of [yes, no])
      expect(decideInbound(answer, { pending: false, suppressed: false }).effect).not.toBe('confirm-pending');
    expect(text).not.toMatch(/R[ée]pondez Oui|Reply Yes|Answer Yes or No by/);
    expect(text).toMatch(where);
    expect(text).toMatch(silence);
    expect(text).toContain(variables.url);
  });
});
