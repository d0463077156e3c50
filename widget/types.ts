// Shapes shared by the widget bundle, the hosted page and the server (type-only: nothing here reaches the bundle).
import type { WidgetDocument, WidgetErrorCode } from '../worker/domain/site/index.ts';

export type { WidgetCountry, WidgetDocument, WidgetErrorCode, WidgetTexts } from '../worker/domain/site/index.ts';

/** What the visitor currently sees; the same union drives the SSR page and the live widget. */
export type Phase =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'sent'; maskedPhone: string; resent?: boolean }
  | { kind: 'declined' }
  | { kind: 'error'; code: WidgetErrorCode; field?: string };

export interface MountOptions {
  site?: string;
  locale?: string;
  country?: string;
  theme?: string;
  /** Origin (or base URL) of the Assent server; defaults to the origin the script came from. */
  api?: string;
  /** Delay before the "send again" button appears, in ms (30 s by default). */
  resendDelayMs?: number;
  /** Pre-fetched document (the hosted page embeds it to avoid a round trip). */
  doc?: WidgetDocument;
}
