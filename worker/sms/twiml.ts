// TwiML answers to Twilio's inbound webhook: one reply message, or nothing.

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>';

/** Escapes the five XML specials and drops characters XML 1.0 cannot carry (form feed, NUL, lone surrogates). */
export function escapeXml(text: string): string {
  return text
    .replace(
      /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
      '',
    )
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<Response><Message>text</Message></Response>`, or an empty `<Response/>` when there is nothing to say. */
export function twimlMessage(text?: string | null): string {
  if (!text) return twimlEmpty();
  return `${XML_HEAD}<Response><Message>${escapeXml(text)}</Message></Response>`;
}

export function twimlEmpty(): string {
  return `${XML_HEAD}<Response/>`;
}

/** The HTTP answer for Twilio: 200 with the TwiML document. */
export function twimlResponse(text?: string | null): Response {
  return new Response(twimlMessage(text), { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}
