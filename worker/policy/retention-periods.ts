// Retention stated as periods, not circles (GDPR Art. 13(2)(a), Art. 5(1)(e)): a retention text that only says "as
// long as needed" tells the reader nothing, and a number kept more than three years after the subscriber's last
// contact goes past the CNIL's reference for prospects. Checked wherever facts are checked (PUT and publishing).
import type { FieldError } from '../errors.ts';

/** The longest time a number may be kept after the subscriber's last contact (CNIL: three years for prospects). */
export const MAX_PROSPECT_DAYS = 3 * 365;

/** Wordings whose only criterion is the need itself ("as long as necessary", "le temps de pouvoir…"). */
const CIRCULAR: RegExp[] = [
  /\b(?:as|so) long as (?:it is |is |we |they )?(?:necessary|needed|required|need(?:ed)?|useful|relevant)\b/iu,
  /\bas long as we need\b/iu,
  /\b(?:for )?the time (?:needed|necessary|required|it takes)\b/iu,
  /\b(?:no longer than|only as long as) (?:is )?(?:necessary|needed)\b/iu,
  /(?<![\p{L}])(?:aussi longtemps|tant) que (?:c[’']est |cela est |il est |nous en avons |nécessaire|besoin|utile)/iu,
  /(?<![\p{L}])(?:le temps|la durée|le délai) (?:nécessaire|utile|de pouvoir|qu[’']il (?:nous )?faut)(?![\p{L}])/iu,
  /(?<![\p{L}])(?:n[’']excédant pas|pas plus que) (?:la durée |le temps )?nécessaire/iu,
];

const NUMBER_WORDS: Record<string, number> = {
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  douze: 12,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  twelve: 12,
};
const UNIT_DAYS: [RegExp, number][] = [
  [/^(?:jours?|days?)$/iu, 1],
  [/^(?:semaines?|weeks?)$/iu, 7],
  [/^(?:mois|months?)$/iu, 30],
  [/^(?:ans?|années?|years?)$/iu, 365],
];
const PERIOD =
  /(?<![\p{L}\d])(\d{1,4}|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|one|two|three|four|five|seven|eight|nine|ten|twelve)[\s\u00a0\u202f]+(jours?|days?|semaines?|weeks?|mois|months?|ans?|années?|years?)(?![\p{L}])/giu;

/** Every period written in `text` ("30 jours", "three years"), in days. */
export function periodsIn(text: string): number[] {
  const days: number[] = [];
  for (const match of text.slice(0, 2000).matchAll(PERIOD)) {
    const count = /^\d+$/.test(match[1]!) ? Number(match[1]) : NUMBER_WORDS[match[1]!.toLowerCase()]!;
    const unit = UNIT_DAYS.find(([pattern]) => pattern.test(match[2]!))![1];
    days.push(count * unit);
  }
  return days;
}

/** Why `text` is circular, or null. */
export function circularIn(text: string): string | null {
  const bounded = text.slice(0, 2000);
  for (const pattern of CIRCULAR) {
    const found = bounded.match(pattern);
    if (found) return found[0];
  }
  return null;
}

const texts = (value: unknown): [string, string][] => {
  if (typeof value === 'string') return [['', value]];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => (typeof v === 'string' ? [[`.${k}`, v] as [string, string]] : []));
  }
  return [];
};

/**
 * Field errors for `retention` (as the owner writes it, under `prefix`): a circular criterion anywhere; the number's
 * and the proof's periods must be stated as periods; the number's may not exceed three years.
 */
export function retentionErrors(retention: unknown, prefix: string, maxProspectDays = MAX_PROSPECT_DAYS): FieldError[] {
  if (retention === null || typeof retention !== 'object') return [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(retention as Record<string, unknown>)) {
    for (const [suffix, text] of texts(value)) {
      const path = `${prefix}.${key}${suffix}`;
      const circle = circularIn(text);
      if (circle) {
        errors.push({
          path,
          message: `“${circle}” is a circular criterion: state a period (for example “3 ans”, “30 days”) or an event that ends it.`,
        });
        continue;
      }
      if (key !== 'prospects' && key !== 'proofs') continue;
      const periods = periodsIn(text);
      if (periods.length === 0) {
        errors.push({ path, message: 'State a period with its unit (for example “30 jours”, “5 years”).' });
      } else if (key === 'prospects' && Math.max(...periods) > maxProspectDays) {
        errors.push({
          path,
          message:
            'A number may be kept at most three years after the subscriber’s last contact: state a shorter period.',
        });
      }
    }
  }
  return errors;
}
