import { describe, expect, it } from 'vitest';
import { escapeXml, twimlEmpty, twimlMessage, twimlResponse } from '../../worker/sms/twiml.ts';

describe('TwiML', () => {
  it('wraps one escaped message', () => {
    expect(twimlMessage('Tom & "Jerry" <3 l\'été')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; &quot;Jerry&quot; &lt;3 l&apos;été</Message></Response>',
    );
  });

  it('answers an empty Response when there is nothing to say', () => {
    expect(twimlEmpty()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twimlMessage(null)).toBe(twimlEmpty());
    expect(twimlMessage('')).toBe(twimlEmpty());
  });

  it('drops characters XML 1.0 cannot carry but keeps emoji and newlines', () => {
    expect(escapeXml('a\fb\u0000c\n😀\ud800')).toBe('abc\n😀');
  });

  it('serves text/xml', async () => {
    const response = twimlResponse('ok');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(await response.text()).toContain('<Message>ok</Message>');
  });
});
