/**
 * Which ViewCoordinator builds an account's view: one of VIEW_SHARDS objects per tenant, chosen
 * by the account id, so every caller of one account meets the same object (coalescing) and the
 * tenant's objects are already running when a cold account comes (view-coordinator.ts).
 */
import type { Env } from '../../env.js';
import type { ViewCoordinator } from './view-coordinator.js';

/** Shards per tenant: enough that one object's thread never carries all of a tenant's builds. */
export const VIEW_SHARDS = 16;

/** The shard of an account: FNV-1a of its id. */
export function viewShard(accountId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) h = Math.imul(h ^ accountId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % VIEW_SHARDS;
}

/** The coordinator that serves an account. */
export function coordinatorFor(env: Pick<Env, 'VIEWS'>, tenantId: string, accountId: string): DurableObjectStub<ViewCoordinator> {
  return env.VIEWS.get(env.VIEWS.idFromName(`${tenantId}:views:${viewShard(accountId)}`));
}
