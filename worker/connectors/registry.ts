/**
 * The connector registry: which vendor plays which role and how its port is built. Apart from
 * each connector's own folder this is the only module that names vendor classes; flows, routes
 * and services ask `portsFor` (worker/ports/registry.ts) for a role and never construct a
 * connector. Adding a vendor (Stripe Billing, Gainsight) is its `connectors/<vendor>/` folder plus
 * one entry here.
 */
import type { Env } from '../env.js';
import type { SystemRole } from '../model/primitives.js';
import type { CrmPort, CsPort, ErpPort } from '../ports/index.js';
import type { ServiceContext } from '../services/context.js';
import { currencyIdLookup, currencyLookup } from '../services/reference.js';
import { d1Ledger } from '../services/card-task.js';
import type { Connection, System } from '../storage/connections.js';
import { hubspotDescriptor } from './hubspot/descriptor.js';
import { HubSpotCrm } from './hubspot/index.js';
import { NetSuiteErp } from './netsuite/index.js';
import { SalesforceCrm } from './salesforce/index.js';
import { VitallyCs } from './vitally/index.js';

/** How a port will be used: `interactive` (a card, a user waiting) gets shorter, fewer attempts. */
export interface PortOptions {
  interactive?: boolean;
}

export interface PortOf {
  crm: CrmPort;
  erp: ErpPort;
  cs: CsPort;
}

interface Entry<R extends SystemRole> {
  role: R;
  create(env: Env, conn: Connection, ctx: ServiceContext, opts: PortOptions): PortOf[R];
}

type Registry = { [S in System]: Entry<SystemRole> };

/** Interactive budgets: a card must answer well inside HubSpot's 15 s `hubspot.fetch` limit. */
const INTERACTIVE_TIMEOUT_MS = 8_000;

export const CONNECTORS = {
  hubspot: {
    role: 'crm',
    create: (env, conn, ctx, opts) => new HubSpotCrm(conn, ctx, { ledger: d1Ledger(env.DB, ctx.tenantId), ...(opts.interactive ? hubspotDescriptor.card : {}) }),
  },
  salesforce: {
    role: 'crm',
    create: (_env, conn, ctx, opts) => new SalesforceCrm(conn, ctx, opts.interactive ? { timeoutMs: INTERACTIVE_TIMEOUT_MS } : {}),
  },
  netsuite: {
    role: 'erp',
    create: (env, conn, ctx, opts) =>
      new NetSuiteErp(conn, ctx, currencyLookup(env, ctx), { currencyIdOf: currencyIdLookup(env, ctx), ...(opts.interactive ? { timeoutMs: INTERACTIVE_TIMEOUT_MS } : {}) }),
  },
  vitally: {
    role: 'cs',
    create: (_env, conn, ctx, opts) => new VitallyCs(conn, ctx, opts.interactive ? { timeoutMs: INTERACTIVE_TIMEOUT_MS } : {}),
  },
} as const satisfies Registry;

/** The role a system plays. */
export function roleOf(system: System): SystemRole {
  return CONNECTORS[system].role;
}

/** The systems that can play `role`, in the order Concord prefers them. */
export function systemsFor(role: SystemRole): System[] {
  return (Object.keys(CONNECTORS) as System[]).filter((s) => CONNECTORS[s].role === role);
}
