/**
 * `portsFor`: the one way flows, routes and services reach a vendor. They name a role (`crm`,
 * `erp`, `cs`) and get the tenant's connected port for it, with a fresh token, the tenant's
 * limiter, and every write behind the write guard (ports/guarded.ts). Nothing outside
 * `connectors/` constructs a connector.
 */
import { CONNECTORS, roleOf, systemsFor, type PortOf, type PortOptions } from '../connectors/registry.js';
import type { Env } from '../env.js';
import { ConcordError, fail } from '../errors.js';
import type { SystemRole } from '../model/primitives.js';
import { connectionFor, type ServiceContext } from '../services/context.js';
import type { Connection, System } from '../storage/connections.js';
import { guardPort } from './guarded.js';
import { WriteGuard, type WriteOrigin } from './write-guard.js';

export interface Ports {
  readonly tenantId: string;
  /** The connected system playing `role` (`preferred` first when given), or null. */
  systemFor(role: SystemRole, preferred?: System): Promise<System | null>;
  /** The CRM port (of `system` when given: e.g. the CRM an event came from). */
  crm(system?: System, opts?: PortOptions): Promise<PortOf['crm'] & { readonly system: System }>;
  erp(opts?: PortOptions): Promise<PortOf['erp'] & { readonly system: System }>;
  cs(opts?: PortOptions): Promise<PortOf['cs'] & { readonly system: System }>;
}

/** Who reads and writes through these ports; writes are refused and recorded under this origin. */
export type PortsOrigin = Omit<WriteOrigin, 'correlationId'>;

/**
 * The tenant's ports. Nothing is read until a port is asked for; then its connection is loaded
 * (per-isolate cache, fresh token). Asking for a role no connected system plays answers 409
 * `system_not_connected`.
 */
export function portsFor(env: Env, ctx: ServiceContext, origin: PortsOrigin): Ports {
  let guard: Promise<WriteGuard> | undefined;

  async function connection(system: System): Promise<Connection | null> {
    try {
      return await connectionFor(env, ctx, system);
    } catch (err) {
      if (err instanceof ConcordError && err.error.kind === 'not_connected') return null;
      throw err;
    }
  }

  async function resolve(role: SystemRole, preferred?: System): Promise<{ system: System; conn: Connection } | null> {
    const candidates = preferred ? [preferred, ...systemsFor(role).filter((s) => s !== preferred)] : systemsFor(role);
    for (const system of candidates) {
      const conn = await connection(system);
      if (conn) return { system, conn };
    }
    return null;
  }

  const systemOf = async (role: SystemRole) => (await resolve(role))?.system ?? null;
  // Which system plays a fact's role, for the guard: resolved once per guard, lazily.
  const guardOnce = () =>
    (guard ??= (async () => {
      const roles = { crm: await systemOf('crm'), erp: await systemOf('erp'), cs: await systemOf('cs') };
      return WriteGuard.load(env.DB, ctx.tenantId, { ...origin, correlationId: ctx.correlationId }, (role) => roles[role]);
    })());

  async function port<R extends SystemRole>(role: R, system: System | undefined, opts: PortOptions = {}) {
    if (system && roleOf(system) !== role) fail({ kind: 'internal', message: `${system} does not play the ${role} role` });
    const conn = system ? await connection(system) : null;
    const found = system ? (conn ? { system, conn } : null) : await resolve(role);
    if (!found) fail({ kind: 'not_connected', system: system ?? systemsFor(role)[0]! });
    // `found.system` plays `role` (checked above, or chosen from systemsFor(role)).
    const raw = CONNECTORS[found.system].create(env, found.conn, ctx, opts) as unknown as PortOf[R];
    return guardPort(role, found.system, raw, guardOnce);
  }

  return {
    tenantId: ctx.tenantId,
    systemFor: async (role, preferred) => (await resolve(role, preferred))?.system ?? null,
    crm: (system, opts) => port('crm', system, opts),
    erp: (opts) => port('erp', undefined, opts),
    cs: (opts) => port('cs', undefined, opts),
  };
}
