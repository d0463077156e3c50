// What an inbound reply does to a number's consents and which system SMS answers it. Pure: the caller
// reads the number's state, applies the effect in one batch and sends the reply. STOP always wins.
import { classify, type KeywordMatch } from './keywords.ts';
import type { SystemMessageKind } from './template.ts';

export type InboundEffect =
  /** Withdraw every consent of the number for the site (pending ones too) and suppress it. */
  | 'withdraw-all-and-suppress'
  /** Lift the site's suppression of the number; restores no consent by itself. */
  | 'lift-suppression'
  /** Confirm the number's pending double opt-in. */
  | 'confirm-pending'
  | 'none';

export interface InboundState {
  /** A pending (unexpired) double opt-in exists for this number on this site. */
  pending: boolean;
  /** The number is on the site's suppression list (a pending request made since lifts it once confirmed). */
  suppressed: boolean;
}

export interface InboundDecision {
  match: KeywordMatch | null;
  effect: InboundEffect;
  /** The system message to answer with; null means answer nothing (free text is not a command). */
  reply: SystemMessageKind | null;
}

export function decideInbound(message: string, state: InboundState): InboundDecision {
  const match = classify(message);
  if (!match) return { match, effect: 'none', reply: null };
  switch (match.action) {
    case 'opt-out':
      // Acknowledged every time, even when already suppressed: the subscriber must see that it worked.
      return { match, effect: 'withdraw-all-and-suppress', reply: 'opt-out-ack' };
    case 'opt-in':
      return { match, effect: 'lift-suppression', reply: 'opt-in-ack' };
    case 'confirm':
      // A STOP withdraws the number's pending requests with it, so a request still pending was made after the STOP:
      // a fresh opt-in, which OUI confirms as its link does (lifting the suppression). A STOP racing this reply is
      // settled by the confirmation's compare-and-set from pending.
      if (state.pending) return { match, effect: 'confirm-pending', reply: 'confirmed' };
      return { match, effect: 'none', reply: 'no-pending' };
    case 'help':
      return { match, effect: 'none', reply: 'help' };
  }
}
