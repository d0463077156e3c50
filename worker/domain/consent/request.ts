// One opt-in or decline as the domain receives it from the widget or the hosted form (checked by limits/opt-in.ts and
// consents.ts, so it lives below both).
export interface ConsentRequest {
  phone: string;
  country?: string | undefined;
  choice: 'yes' | 'no';
  locale: string;
  textSha256: string;
  policyVersion: number;
  pageUrl?: string | undefined;
  method: 'widget' | 'hosted-page';
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** A challenge response (e.g. Turnstile), checked when limits are near. */
  challengeToken?: string | undefined;
}
