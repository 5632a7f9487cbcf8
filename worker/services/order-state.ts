/**
 * What a closed-won run means to the people on the deal: the order is being created, was
 * created (with its number and, from the vendor's own host only, a link), is blocked (each issue:
 * what is wrong, where to fix it, the recommended action) or failed (why, in words). The HubSpot
 * card, the Salesforce component and the /demo page all show this one shape (docs/cards-api.md),
 * so the words are the broker's, not each surface's. Pure: the run row and the connected systems
 * in, the state out.
 */

/**
 * The run fields the state is made of (storage/flow-runs.ts `RunRow` has them); declared here so
 * this module stays free of storage and Workers types.
 */
export interface RunFacts {
  id: string;
  status: 'queued' | 'running' | 'blocked' | 'failed' | 'completed';
  step: string | null;
  exceptions: unknown;
  result: unknown;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
}

/** Display names of the systems a run touches. */
export const SYSTEM_NAMES: Record<string, string> = { hubspot: 'HubSpot', salesforce: 'Salesforce', netsuite: 'NetSuite', vitally: 'Vitally' };

/** The systems playing each role for the run's tenant (null: none connected). */
export interface RunSystems {
  crm: string;
  erp: string | null;
  cs: string | null;
}

/** One business issue of a blocked order. */
export interface OrderIssueView {
  /** Canonical path of what is wrong (`company.taxId`, `lines.1.sku`). */
  field: string;
  code: string;
  message: string;
  /** The role of the system the fix is made in, or `concord` (e.g. identity review). */
  fixIn: 'crm' | 'erp' | 'concord';
  /** The system itself: `hubspot`, `salesforce`, `netsuite`, or `concord`; null when no such system is connected. */
  fixInSystem: string | null;
  action: string;
  /** The CRM record owner, who is asked to fix it (null: the record has none). */
  owner: { name: string | null; email: string | null } | null;
}

interface Common {
  runId: string;
  /** When the deal was closed won as far as Concord knows (the run was started). */
  startedAt: string;
  updatedAt: string;
}

/** The order of a deal, as the cards show it. */
export type OrderState =
  | (Common & { state: 'creating'; status: 'queued' | 'running'; step: string | null; stepLabel: string })
  | (Common & { state: 'created'; orderNumber: string; orderId: string; erp: string | null; orderUrl: string | null; completedAt: string })
  | (Common & { state: 'blocked'; step: string | null; stepLabel: string; issues: OrderIssueView[] })
  | (Common & { state: 'failed'; step: string | null; stepLabel: string; reason: string });

type Role = 'crm' | 'erp' | 'cs';

/** How a system is named in a sentence: as a noun ("from HubSpot", "from the CRM") and before a noun ("the NetSuite customer"). */
interface SystemWords {
  noun: string;
  adj: string;
}

interface Names {
  crm: SystemWords;
  erp: SystemWords;
  cs: SystemWords;
  deal: string;
}

/** Which system each step talks to, and what it does, in words. */
const STEPS: Record<string, { role: Role; label: (s: Names) => string }> = {
  load: { role: 'crm', label: (s) => `Reading the ${s.deal} from ${s.crm.noun}` },
  validate: { role: 'erp', label: (s) => `Checking the ${s.deal}'s data for ${s.erp.noun}` },
  'resolve-customer': { role: 'erp', label: (s) => `Finding or creating the ${s.erp.adj} customer` },
  'create-sales-order': { role: 'erp', label: (s) => `Creating the sales order in ${s.erp.noun}` },
  'provision-cs': { role: 'cs', label: (s) => `Setting up the ${s.cs.adj} account` },
  'write-back': { role: 'crm', label: (s) => `Writing the order back to ${s.crm.noun}` },
};

function words(system: string | null, generic: string): SystemWords {
  if (!system) return { noun: `the ${generic}`, adj: generic };
  const name = SYSTEM_NAMES[system] ?? system;
  return { noun: name, adj: name };
}

function names(systems: RunSystems): Names {
  return {
    crm: words(systems.crm, 'CRM'),
    erp: words(systems.erp, 'ERP'),
    cs: words(systems.cs, 'customer-success'),
    deal: systems.crm === 'salesforce' ? 'Opportunity' : 'deal',
  };
}

/** The step a run is at, in words (`create-sales-order` -> "Creating the sales order in NetSuite"). */
export function stepLabel(step: string | null, systems: RunSystems): string {
  if (step === null) return 'Waiting to start';
  const known = STEPS[step];
  return known ? known.label(names(systems)) : step;
}

/**
 * Why a step failed, in words a CRM user may read. The stored reason is `<error name>: <message>`
 * (flows/closed-won/workflow.ts); a Concord error's message is its kind (worker/errors.ts). Any
 * other text is an internal error whose detail stays in the console, not on a CRM record.
 */
export function failureText(step: string | null, reason: string, systems: RunSystems): string {
  const role = step ? STEPS[step]?.role : undefined;
  const noun = role ? names(systems)[role].noun : 'a connected system';
  const system = noun.charAt(0).toUpperCase() + noun.slice(1);
  const kind = /(?:^|:\s*)(timeout|rate_limited|upstream|auth_expired|not_connected|upstream_validation)\s*$/.exec(reason.trim())?.[1];
  switch (kind) {
    case 'timeout':
      return `${system} did not answer in time, even after retries.`;
    case 'rate_limited':
      return `${system} kept refusing requests over its rate limit.`;
    case 'upstream':
      return `${system} answered with an error, even after retries.`;
    case 'auth_expired':
      return `${system} refused Concord's credentials; an admin needs to reconnect it.`;
    case 'not_connected':
      return `${system} is not connected to Concord.`;
    case 'upstream_validation':
      return `${system} refused the data Concord sent.`;
    default:
      return 'An unexpected error stopped this step; the Concord admin console has the details.';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function issues(exceptions: unknown, systems: RunSystems): OrderIssueView[] {
  if (!Array.isArray(exceptions)) return [];
  return exceptions.filter(isRecord).flatMap((e) => {
    const fixIn = e['fixIn'] === 'crm' || e['fixIn'] === 'erp' || e['fixIn'] === 'concord' ? e['fixIn'] : null;
    const [field, code, message, action] = [str(e['field']), str(e['code']), str(e['message']), str(e['action'])];
    if (!fixIn || !field || !code || !message || !action) return [];
    const fixInSystem = fixIn === 'crm' ? systems.crm : fixIn === 'erp' ? systems.erp : 'concord';
    const o = isRecord(e['owner']) ? e['owner'] : null;
    const owner = o && (str(o['name']) || str(o['email'])) ? { name: str(o['name']), email: str(o['email']) } : null;
    return [{ field, code, message, fixIn, fixInSystem, action, owner }];
  });
}

/** The order state of a run; `orderUrl` is the ERP's page of the created order, when it may be linked. */
export function orderState(run: RunFacts, systems: RunSystems, orderUrl: string | null = null): OrderState {
  const common: Common = { runId: run.id, startedAt: run.createdAt, updatedAt: run.updatedAt };
  switch (run.status) {
    case 'queued':
    case 'running':
      return { ...common, state: 'creating', status: run.status, step: run.step, stepLabel: stepLabel(run.step, systems) };
    case 'completed': {
      const result = isRecord(run.result) ? run.result : {};
      return {
        ...common,
        state: 'created',
        orderNumber: str(result['orderNumber']) ?? '',
        orderId: str(result['orderId']) ?? '',
        erp: systems.erp,
        orderUrl,
        completedAt: run.completedAt ?? run.updatedAt,
      };
    }
    case 'blocked':
      return { ...common, state: 'blocked', step: run.step, stepLabel: stepLabel(run.step, systems), issues: issues(run.exceptions, systems) };
    case 'failed': {
      const first = Array.isArray(run.exceptions) ? run.exceptions.find(isRecord) : undefined;
      const reason = str(first?.['reason']) ?? '';
      return { ...common, state: 'failed', step: run.step, stepLabel: stepLabel(run.step, systems), reason: failureText(run.step, reason, systems) };
    }
  }
}
