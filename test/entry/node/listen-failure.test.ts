// A server that cannot listen says why in one line naming the variable to change (Node and Deno entries share it).
import { describe, expect, it } from 'vitest';
import { listenFailure } from '../../../worker/entry/node/local.ts';

describe('listenFailure', () => {
  it('names PORT for a port in use, as Node and Deno report it', () => {
    for (const error of [{ code: 'EADDRINUSE', message: 'listen EADDRINUSE' }, { name: 'AddrInUse' }])
      expect(listenFailure(error, '127.0.0.1', 8787)).toBe(
        'Could not listen on 127.0.0.1:8787: the port is in use by another process. Stop it, or set PORT to a free port.',
      );
  });

  it('names PORT for a privileged port and HOST for an address the machine lacks', () => {
    expect(listenFailure({ code: 'EACCES' }, '0.0.0.0', 80)).toMatch(/^Could not listen on 0\.0\.0\.0:80: .*set PORT/i);
    expect(listenFailure({ name: 'AddrNotAvailable' }, '10.9.9.9', 8787)).toMatch(/Set HOST/);
  });

  it('passes any other reason on in the same line', () => {
    expect(listenFailure({ code: 'EOTHER', message: 'odd' }, '::1', 1)).toBe('Could not listen on ::1:1: odd');
  });
});
