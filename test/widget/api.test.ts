import { describe, expect, it } from 'vitest';
import { problemCode } from '../../widget/api.ts';

describe('problemCode', () => {
  it('turns a validation failure on phone into invalid_phone', () => {
    const problem = {
      type: 'https://assent.dev/problems/validation-failed',
      code: 'validation_failed',
      errors: [{ path: 'phone', message: 'bad' }],
    };
    expect(problemCode(422, problem)).toEqual({ code: 'invalid_phone', field: 'phone' });
  });

  it('keeps validation_failed for other fields', () => {
    expect(problemCode(422, { code: 'validation_failed', errors: [{ path: 'locale', message: 'x' }] })).toEqual({
      code: 'validation_failed',
    });
  });

  it('reads the code from the problem type when the body has no code member', () => {
    expect(problemCode(409, { type: 'https://assent.dev/problems/stale-texts' })).toEqual({ code: 'stale_texts' });
    expect(problemCode(403, { type: 'https://assent.dev/problems/country-not-allowed' })).toEqual({
      code: 'country_not_allowed',
    });
  });

  it('keeps a specific code that names the phone field, and flags the field', () => {
    const problem = {
      type: 'https://assent.dev/problems/country-not-allowed',
      errors: [{ path: 'phone', message: 'no' }],
    };
    expect(problemCode(422, problem)).toEqual({ code: 'country_not_allowed', field: 'phone' });
    const invalid = { type: 'https://assent.dev/problems/invalid-phone', errors: [{ path: 'phone', message: 'no' }] };
    expect(problemCode(422, invalid)).toEqual({ code: 'invalid_phone', field: 'phone' });
  });

  it('names an answer that is no problem at all (a proxy\'s 502 page) network, never "undefined"', () => {
    expect(problemCode(502, {})).toEqual({ code: 'network' });
    expect(problemCode(500, { errors: [] })).toEqual({ code: 'network' });
  });

  it('treats any 429 as rate_limited', () => {
    expect(problemCode(429, {})).toEqual({ code: 'rate_limited' });
  });
});
