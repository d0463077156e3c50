// The contract every SMS provider implements; the outbox dispatcher only speaks to this.

export interface OutgoingSms {
  /** Idempotency key: the outbox message id. A provider must not send twice for one key if it can tell. */
  id: string;
  /** E.164 number, decrypted just before the call; never logged. */
  to: string;
  body: string;
  /** Absolute URL the provider may call with delivery updates, if it supports them. */
  statusCallbackUrl?: string;
}

export type SendResult =
  | { ok: true; providerMessageId: string }
  /** retryable: 429, 5xx, network errors. retryAfterSeconds when the provider said so. */
  | { ok: false; retryable: true; reason: string; retryAfterSeconds?: number }
  /** unknown: the request may or may not have been accepted (timeout); reconcile before resending. */
  | { ok: false; retryable: true; unknown: true; reason: string }
  | { ok: false; retryable: false; reason: string };

export interface SmsProvider {
  readonly name: string;
  send(message: OutgoingSms): Promise<SendResult>;
  /** For an unknown outcome: ask the provider whether a message with this idempotency key went out. */
  lookup?(id: string, to: string): Promise<{ found: true; providerMessageId: string } | { found: false }>;
}
