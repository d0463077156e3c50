// Node and Deno: every address a host name resolves to (A and AAAA, as the system resolver answers), so a
// configured URL whose name points at a private address is refused before anything is sent.
import { lookup } from 'node:dns/promises';
import type { Resolver } from '../../net/outbound.ts';

export const dnsResolver: Resolver = async function resolveAll(hostname) {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => a.address);
};
