// SMS texts: `{{name}}` rendering, the sender-name prefix and the system opt-out mention every message
// carries, the per-locale system messages (templates/sms/<locale>.json) and the preview with segment counts.
import { AppError } from '../errors.ts';
import { analyse, type SmsEncoding } from './segments.ts';
import { transliterate as toGsm, type Replacement } from './transliterate.ts';
import fr from '../../templates/sms/fr.json' with { type: 'json' };
import en from '../../templates/sms/en.json' with { type: 'json' };

type SystemTexts = typeof en;
const TEXTS: Record<string, SystemTexts> = { fr, en };
export type TemplateVariables = Record<string, string | number | null | undefined>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a template uses, each once, in order. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

/**
 * Replaces `{{name}}` (spaces inside the braces allowed). Every referenced variable must have a value:
 * the 422 names all that are missing at once. Extra variables are ignored. Values are inserted verbatim
 * and never rendered again, so a value containing "{{x}}" stays literal.
 */
export function renderTemplate(template: string, variables: TemplateVariables): string {
  const leftover = template.replace(PLACEHOLDER, '');
  if (leftover.includes('{{') || leftover.includes('}}')) {
    throw new AppError('template_invalid', 422, 'The template has a malformed placeholder; use {{name}}.', {
      errors: [{ path: 'template', message: 'Placeholders are {{name}} with letters, digits and underscores.' }],
    });
  }
  const missing = templateVariables(template).filter((name) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    return value === undefined || value === null;
  });
  if (missing.length > 0) {
    throw new AppError('template_variable_missing', 422, `Missing template variable: ${missing.join(', ')}.`, {
      errors: missing.map((name) => ({ path: `variables.${name}`, message: `No value for {{${name}}}.` })),
    });
  }
  return template.replace(PLACEHOLDER, (_all, name: string) => String(variables[name]));
}

/** `fr-FR` → `fr`; a language we have no texts for falls back to English. */
export function resolveSmsLocale(locale: string): string {
  const lower = locale.toLowerCase();
  if (TEXTS[lower]) return lower;
  const base = lower.split(/[-_]/)[0] ?? '';
  return TEXTS[base] ? base : 'en';
}

function textsFor(locale: string): SystemTexts {
  return TEXTS[resolveSmsLocale(locale)] as SystemTexts;
}

/** "STOP au 36111" / "Reply STOP to opt out": composed by the system, never by a site's template. */
export function optOutMention(locale: string, shortCode?: string): string {
  const texts = textsFor(locale);
  return shortCode ? renderTemplate(texts.optOutMentionShortCode, { shortCode }) : texts.optOutMention;
}

/** "Demo Shop: hi" starts with "Demo Shop"; "Demo Shopping: hi" does not. */
function startsWithName(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped}(?![\\p{L}\\p{N}])`, 'iu').test(text);
}

export interface ComposeOptions {
  body: string;
  locale: string;
  senderName: string;
  shortCode?: string;
  /** Only the opt-out acknowledgement leaves the mention out: the subscriber has just left. */
  withOptOutMention?: boolean;
}

/**
 * "Demo Shop: <body>\n<opt-out mention>". The name is not repeated when the body already starts with it.
 * The mention is appended even when the template already says "STOP": we cannot check that a
 * template's own wording is correct, complete or in the right language, so the system line is the one
 * that counts. Composing an already composed text does not add a second mention.
 */
export function composeMessage(options: ComposeOptions): string {
  const { locale, senderName, shortCode, withOptOutMention = true } = options;
  let text = options.body.trim();
  const name = senderName.trim();
  if (name && !startsWithName(text, name)) {
    text = `${name}${resolveSmsLocale(locale) === 'fr' ? ' : ' : ': '}${text}`;
  }
  if (!withOptOutMention) return text;
  const mention = optOutMention(locale, shortCode);
  return text.endsWith(`\n${mention}`) ? text : `${text}\n${mention}`;
}

export type SystemMessageKind =
  | 'confirm-request'
  | 'confirmed'
  | 'opt-out-ack'
  | 'opt-in-ack'
  | 'help'
  | 'no-pending'
  | 'renewal'
  | 'repermission';

const KEYS: Record<SystemMessageKind, keyof SystemTexts> = {
  'confirm-request': 'confirmRequest',
  confirmed: 'confirmed',
  'opt-out-ack': 'optOutAck',
  'opt-in-ack': 'optInAck',
  help: 'help',
  'no-pending': 'noPending',
  renewal: 'renewal',
  repermission: 'repermission',
};

export interface SystemMessageVariables extends TemplateVariables {
  /** The program (sender) name that opens every message. */
  program: string;
  shortCode?: string;
}

/**
 * A complete system SMS in the subscriber's language. Variables by kind: confirm-request `url`;
 * confirmed `unsubscribeUrl`; help `helpContact`, `frequency`; the others none.
 */
export function systemMessage(kind: SystemMessageKind, locale: string, variables: SystemMessageVariables): string {
  const body = renderTemplate(textsFor(locale)[KEYS[kind]], variables);
  return composeMessage({
    body,
    locale,
    senderName: variables.program,
    ...(variables.shortCode ? { shortCode: variables.shortCode } : {}),
    withOptOutMention: kind !== 'opt-out-ack',
  });
}

export interface PreviewOptions {
  template: string;
  variables: TemplateVariables;
  locale: string;
  senderName: string;
  shortCode?: string;
  transliterate?: boolean;
}

export interface MessagePreview {
  text: string;
  encoding: SmsEncoding;
  characters: number;
  /** Septets (GSM-7) or UTF-16 units (UCS-2). */
  units: number;
  segments: number;
  transliterated?: {
    text: string;
    encoding: SmsEncoding;
    characters: number;
    segments: number;
    /** Segments saved per recipient compared with the text as written (0 when nothing is gained). */
    saves: number;
    replaced: Replacement[];
    /** Characters that still force UCS-2. */
    remaining: string[];
  };
}

export function previewMessage(options: PreviewOptions): MessagePreview {
  const text = composeMessage({
    body: renderTemplate(options.template, options.variables),
    locale: options.locale,
    senderName: options.senderName,
    ...(options.shortCode ? { shortCode: options.shortCode } : {}),
  });
  const stats = analyse(text);
  const preview: MessagePreview = { text, ...stats };
  if (options.transliterate) {
    const result = toGsm(text);
    const after = analyse(result.text);
    preview.transliterated = {
      text: result.text,
      encoding: after.encoding,
      characters: after.characters,
      segments: after.segments,
      saves: Math.max(0, stats.segments - after.segments),
      replaced: result.replaced,
      remaining: result.remaining,
    };
  }
  return preview;
}
