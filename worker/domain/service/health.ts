// Whether the service can do its work: a write, not a SELECT 1 (a full disk or a read-only database still answers
// reads).
import { healthRepo } from '../../db/health.ts';
import { storageFault } from '../../db/faults.ts';
import { AppError, STORAGE_RETRY_AFTER_S } from '../../errors.ts';
import type { DomainContext } from '../context.ts';

/** Resolves when storage takes a write; throws the storage fault (503 with Retry-After) when it cannot. */
export async function checkHealth(ctx: Pick<DomainContext, 'store' | 'clock'>): Promise<void> {
  try {
    await healthRepo(ctx.store).probeWrite(ctx.clock());
  } catch (error) {
    throw (
      storageFault(error) ??
      new AppError('unavailable', 503, 'The database does not answer.', {
        headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_S) },
      })
    );
  }
}
