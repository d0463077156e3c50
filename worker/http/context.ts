// The app's typed request context (the dependencies and the domain context every route reads) and the runtime's
// view of the client address.
import type { Context } from 'hono';
import type { AppDeps } from '../deps.ts';
import type { DomainContext } from '../domain/context.ts';

export interface AppEnv {
  Variables: {
    requestId: string;
    deps: AppDeps;
    ctx: DomainContext;
  };
}
export type AppContext = Context<AppEnv>;

export function clientIp(c: AppContext): string | undefined {
  return c.get('deps').clientIp?.(c) ?? undefined;
}
