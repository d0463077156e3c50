import { describe, expect, it } from 'vitest';
import { decideInbound } from '../../worker/sms/reply-effects.ts';

const none = { pending: false, suppressed: false };

describe('decideInbound', () => {
  it('STOP in any form withdraws everything and is acknowledged, even when already suppressed', () => {
    for (const state of [none, { pending: true, suppressed: false }, { pending: false, suppressed: true }]) {
      expect(decideInbound(' Arrêt ! ', state)).toEqual({
        match: { action: 'opt-out', keyword: 'ARRET' },
        effect: 'withdraw-all-and-suppress',
        reply: 'opt-out-ack',
      });
    }
  });

  it('OUI confirms a pending opt-in', () => {
    expect(decideInbound('oui', { pending: true, suppressed: false })).toMatchObject({
      effect: 'confirm-pending',
      reply: 'confirmed',
    });
  });

  it('OUI without a pending opt-in, or after STOP, confirms nothing', () => {
    expect(decideInbound('YES', none)).toMatchObject({ effect: 'none', reply: 'no-pending' });
    expect(decideInbound('YES', { pending: false, suppressed: true })).toMatchObject({
      effect: 'none',
      reply: 'no-pending',
    });
  });

  it('OUI confirms an opt-in made again after a STOP (the STOP withdrew the requests pending then)', () => {
    expect(decideInbound('oui', { pending: true, suppressed: true })).toMatchObject({
      effect: 'confirm-pending',
      reply: 'confirmed',
    });
  });

  it('START lifts the suppression; HELP only answers', () => {
    expect(decideInbound('start', { pending: false, suppressed: true })).toMatchObject({
      effect: 'lift-suppression',
      reply: 'opt-in-ack',
    });
    expect(decideInbound('aide', none)).toMatchObject({ effect: 'none', reply: 'help' });
  });

  it('free text changes nothing and gets no reply', () => {
    expect(decideInbound('stop it', { pending: true, suppressed: false })).toEqual({
      match: null,
      effect: 'none',
      reply: null,
    });
  });
});
