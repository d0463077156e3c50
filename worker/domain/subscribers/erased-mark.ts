// What erasure keeps of a number: nothing that singles it out. Whoever holds the master key and a copy of the database
// can compute the blind index of every number of a range (the French mobile range takes minutes), so an erased
// subject keeps no index at all (its row is found by its id only), and the suppression that must outlive the erasure
// (an erasure request is an objection; a STOP before it must keep holding) is kept as the first 16 bits of the blind
// index. One mark is shared by 1 in 65,536 numbers: about 3,000 of the 200 million French mobile numbers, so a brute
// force ends on thousands of candidates, never on the number. The price: a number the site never saw whose index
// starts like an erased one answers `suppressed` (it could not be texted anyway: it has no consent); a number that
// opts in and confirms is never held back by a mark, as a confirmed new opt-in lifts any suppression.

/** Bits of the blind index an erased number's suppression keeps (4 hex digits). */
export const ERASED_MARK_BITS = 16;

/** The suppression kept for an erased number: `erased:` and the start of its blind index, shared by many numbers. */
export function erasedMark(phoneIndex: string): string {
  return `erased:${phoneIndex.slice(0, ERASED_MARK_BITS / 4)}`;
}
