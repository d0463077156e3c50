// The rules French marketing senders are held to beyond consent: who the sender may be, how STOP is reached, and the
// widest sending hours the profession accepts. One place, called by every configuration writer and every send.
import { AppError, type FieldError } from '../../errors.ts';
import type { QuietHoursRules } from '../../sms/quiet-hours.ts';

/**
 * Whether a sender is a French mobile number (06/07, as +336…, +337…, 00336…, 336… or 06…, 07…). ARCEP decision
 * n° 2018-0881 of 24 July 2018 (the national numbering plan, as amended by decision n° 2019-0954): since 1 August
 * 2019 automated systems that send more messages than they receive may not show a mobile number (06/07) as sender,
 * and marketing SMS are such messages (https://www.arcep.fr, Conseil d'État n° 434538, 12 February 2021, upheld it).
 */
export function isFrenchMobileSender(sender: string): boolean {
  const compact = sender.slice(0, 40).replace(/[\s.()-]/g, '');
  return /^(?:(?:\+|00)?33|0)[67]\d{8}$/.test(compact);
}

/** Whether the site texts French numbers: its recipients may be French. */
export const sendsToFrance = (config: { defaultCountry: string; allowedCountries?: string[] | undefined }) =>
  (config.allowedCountries ?? [config.defaultCountry]).includes('FR');

/**
 * The widest window the profession accepts: the af2m's Business Messaging code of conduct (applicable since
 * 1 September 2024; https://af2m.org/la-charte-de-deontologie-applicable-aux-services-de-business-messaging-est-effective-depuis-le-1er-septembre-2024)
 * routes marketing messages only on working days ("jours ouvrables": Monday–Saturday, public holidays excepted),
 * 08:00–22:00. Assent's default stays narrower (Monday–Saturday 08:00–20:00).
 */
export const CHARTER_WINDOW = { start: 8 * 60, end: 22 * 60 } as const;

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Field errors (paths under `quietHours`) for sending hours wider than the charter's, for a site texting France. */
export function charterWindowErrors(quietHours: Pick<QuietHoursRules, 'windows' | 'holidays'>): FieldError[] {
  const errors: FieldError[] = [];
  quietHours.windows.forEach((window, day) => {
    if (!window) return;
    if (day === 0) {
      errors.push({
        path: `quietHours.windows.${day}`,
        message: 'No marketing SMS on Sundays in France (af2m code of conduct: working days only); set null.',
      });
    } else if (window[0] < CHARTER_WINDOW.start || window[1] > CHARTER_WINDOW.end) {
      errors.push({
        path: `quietHours.windows.${day}`,
        message: `${DAYS[day]} ${hhmm(window[0])}–${hhmm(window[1])} is wider than 08:00–22:00, the widest window the af2m code of conduct accepts in France.`,
      });
    }
  });
  if (quietHours.holidays !== 'FR') {
    errors.push({
      path: 'quietHours.holidays',
      message: 'No marketing SMS on French public holidays (af2m code of conduct: working days only); use "FR".',
    });
  }
  return errors;
}

interface SenderConfig {
  defaultCountry: string;
  allowedCountries?: string[] | undefined;
  program: { shortCode?: string | undefined };
  sms: { provider: string; from?: string | undefined };
  quietHours?: Pick<QuietHoursRules, 'windows' | 'holidays'> | undefined;
}

/** A French mobile number as sender (any site: the number plan is French whoever it texts). */
export function senderErrors(config: Pick<SenderConfig, 'sms'>): FieldError[] {
  const from = config.sms.from;
  return from && isFrenchMobileSender(from)
    ? [
        {
          path: 'sms.from',
          message:
            'A French mobile number (06/07) may not send marketing SMS since 1 August 2019 (ARCEP decision n° 2018-0881): use a short code or a sender name.',
        },
      ]
    : [];
}

/** What a configuration write must pass: the sender, and for a site texting France, the charter's hours. */
export function frenchConfigErrors(config: SenderConfig): FieldError[] {
  return [
    ...senderErrors(config),
    ...(config.quietHours && sendsToFrance(config) ? charterWindowErrors(config.quietHours) : []),
  ];
}

/** A French short number for SMS is five digits (e.g. 36111), the number "STOP au NNNNN" names. */
export const FRENCH_SHORT_CODE = /^\d{5}$/;

/**
 * Before a marketing send: a site texting France needs a short code, since a sender name cannot receive the STOP the
 * message must offer (CPCE art. L34-5: every message gives a means to object), and "STOP au NNNNN" names it; and no
 * stored configuration may still send from a French mobile number.
 */
export function assertMarketingSender(config: SenderConfig): void {
  const errors = senderErrors(config);
  if (sendsToFrance(config)) {
    const shortCode = config.program.shortCode;
    if (!shortCode) {
      errors.push({
        path: 'program.shortCode',
        message:
          'A marketing SMS to French numbers needs a short code to receive STOP (a sender name cannot): set program.shortCode (e.g. "36111").',
      });
    } else if (!FRENCH_SHORT_CODE.test(shortCode)) {
      errors.push({ path: 'program.shortCode', message: 'A French SMS short code is five digits (e.g. "36111").' });
    }
  }
  if (errors.length > 0) {
    throw new AppError(
      'sender_not_allowed',
      422,
      `Marketing cannot be sent with this configuration: ${errors.map((e) => e.path).join(', ')}.`,
      { errors },
    );
  }
}

/**
 * What would refuse a marketing send with this configuration, field by field (none when it may send): the same rule
 * as assertMarketingSender, for a page that warns before the owner composes rather than after they press send.
 */
export function marketingSenderErrors(config: SenderConfig): FieldError[] {
  try {
    assertMarketingSender(config);
    return [];
  } catch (e) {
    if (e instanceof AppError && e.code === 'sender_not_allowed') return e.errors ?? [];
    throw e;
  }
}
