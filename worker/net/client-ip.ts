// The client's address: the socket's, or, behind N proxies the operator runs (ASSENT_TRUST_PROXY=N), the N-th
// X-Forwarded-For entry from the right. Entries further left are whatever the client sent and are never used.
import { isIpLiteral } from './addresses.ts';

/** The address N trusted proxies vouch for, or undefined when the header cannot say (then the socket counts). */
export function forwardedClient(header: string | undefined, trustedHops: number): string | undefined {
  if (!header || trustedHops < 1) return undefined;
  const entries = header.split(',').map((e) => e.trim());
  const picked = entries[entries.length - trustedHops];
  // An address with a port is at most 53 characters: anything longer is not one, and is not read further.
  if (!picked || picked.length > 64) return undefined;
  // Some proxies write "[v6]:port" or "v4:port"; only a bare address is taken.
  const address = picked.replace(/^\[([^\]]+)\](:\d+)?$/, '$1').replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1');
  return isIpLiteral(address) && address.length <= 45 ? address : undefined;
}

/** clientIp for AppDeps: `socket` is the runtime's view of the peer. */
export function clientIpResolver<C>(
  trustedHops: number,
  socket: (c: C) => string | undefined,
  header: (c: C) => string | undefined,
) {
  return function clientIp(c: C): string | undefined {
    return forwardedClient(trustedHops > 0 ? header(c) : undefined, trustedHops) ?? socket(c);
  };
}
