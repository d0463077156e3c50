// Problem codes are one closed list (errors.ts's PROBLEM_CODES): a code outside it does not compile, the widget's
// codes are drawn from it, and every code in it is one the server can actually answer with.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemCode } from '../../widget/api.ts';
import { WIDGET_ERROR_CODES } from '../../worker/domain/site/index.ts';
import { AppError, PROBLEM_CODES } from '../../worker/errors.ts';

const root = resolve(import.meta.dirname, '../..');
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'generated' ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });

describe('problem codes', () => {
  it('refuses a code outside the list at compile time (checked by tsc --noEmit over the tests)', () => {
    // @ts-expect-error: a typo of not_found is not a problem code.
    const typo = new AppError('not_fuond', 404, 'Nothing here.');
    expect(typo.status).toBe(404);
    // @ts-expect-error: a widget error code is one of the server's, or network / generic.
    const widgetTypo: (typeof WIDGET_ERROR_CODES)[number] = 'rate_limit';
    expect(widgetTypo).toBe('rate_limit');
  });

  it('lists no code the server never answers with, and the list has no duplicate', () => {
    // Codes are written as literals where they are thrown (AppError, witness.ts's bad(), errors.ts's helpers); the
    // list itself does not count.
    const text = sources(join(root, 'worker'))
      .map((f) => readFileSync(f, 'utf8'))
      .map((t) => t.replace(/export const PROBLEM_CODES = \[[^\]]*\]/, ''))
      .join('\n');
    const unused = PROBLEM_CODES.filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
  });

  it("draws the widget's codes from the server's, plus its own network and generic", () => {
    const own = WIDGET_ERROR_CODES.filter((c) => !(PROBLEM_CODES as readonly string[]).includes(c));
    expect(own).toEqual(['network', 'generic']);
    expect(problemCode(422, { code: 'validation_failed', errors: [{ path: 'phone' }] })).toEqual({
      code: 'invalid_phone',
      field: 'phone',
    });
    expect(problemCode(429, { code: 'challenge_required' })).toEqual({ code: 'rate_limited' });
  });
});
